// Request and response shapes of the server's API (ORIGINAL-RULES.md §12 plus docs/api.md), written once here.

export type UpgradeKey = 'production' | 'heat_reduction' | 'tolerance';
export type GlobalUpgradeKey = 'production' | 'heat_reduction' | 'tolerance' | 'max_generators' | 'demand';
export type RebirthUpgradeKey = 'rebirth_chain' | 'upgrade_batch' | 'rebirth_start_money';
export type SpecialKey = 'build_speed' | 'energy_mult' | 'exchange_mult';
export type RankCriteria = 'money' | 'energy' | 'playtime' | 'rebirth' | 'supercoin';
export type InquiryType = 'bug' | 'vulnerability' | 'proposal' | 'other';

export interface User {
  user_id: string;
  username: string;
  energy_data: number;
  energy_high: number;
  money_data: number;
  money_high: number;
  sold_energy_data: number;
  sold_energy_high: number;
  production_bonus: number;
  heat_reduction: number;
  tolerance_bonus: number;
  max_generators_bonus: number;
  demand_bonus: number;
  play_time_ms: number;
  rebirth_count: number;
  rebirth_chain_upgrade: number;
  upgrade_batch_upgrade: number;
  rebirth_start_money_upgrade: number;
  tutorial: number;
  supercoin: number;
  build_speed_reduction: number;
  energy_multiplier: number;
  exchange_rate_multiplier: number;
  // docs/api.md "Time and the server's truth"
  server_time_ms?: number;
  production_data?: number;
  production_high?: number;
  is_admin?: boolean;
  /** changes when an admin edits the catalogue: GET /generator_types is loaded again */
  catalogue_version?: number;
}

export interface GeneratorUpgrades {
  production: number;
  heat_reduction: number;
  tolerance: number;
}

/** A placed generator ("G"). */
export interface Generator {
  generator_id: string;
  generator_type_id: string;
  type: string;
  cost_data: number;
  cost_high: number;
  x_position: number;
  world_position: number;
  level: number;
  isdeveloping: boolean;
  build_complete_ts: number | null;
  heat: number;
  running: boolean;
  upgrades: GeneratorUpgrades;
  heat_rate: number;
  heat_limit: number;
  cooling_rate: number;
  production_data: number;
  production_high: number;
  exploded: boolean;
  build_total_seconds: number;
  rebuild_seconds: number;
}

/** Answer of GET /progress. */
export interface ProgressAnswer {
  user_id: string;
  user: User;
  generators: Generator[];
}

/** The shape the simulation works on: an answer with its server time lifted out of `user`. */
export interface Progress extends ProgressAnswer {
  server_time_ms: number;
}

export interface GeneratorType {
  id: string;
  generator_type_id?: string;
  name: string;
  description: string;
  index: number;
  cost_data: number;
  cost_high: number;
  energy_data: number;
  energy_high: number;
  install_seconds: number;
  heat?: number;
  tolerance?: number;
  size?: number;
  image?: number;
}

export interface GeneratorTypesResponse {
  types: GeneratorType[];
}

export interface Credentials {
  username: string;
  password: string;
}

export interface AuthResponse {
  user: User;
  access_token?: string;
  refresh_token?: string;
  csrf_token?: string;
}

export interface CsrfResponse {
  csrf_token: string;
  detail: string;
}

export interface PasswordRequest {
  password: string;
}

export interface StateRequest {
  generator_id: string;
  running: boolean;
}

export interface GeneratorUpgradeRequest {
  upgrade: UpgradeKey;
  amount: number;
}

export interface AmountRequest {
  amount: number;
}

export interface RebirthRequest {
  count: number;
}

export interface StepRequest {
  step: number;
}

export interface InquiryRequest {
  type: InquiryType;
  content: string;
}

export interface Detail {
  detail: string;
}

export interface WithUser {
  user: User;
}

export interface PlaceRequest {
  user_id: string;
  generator_type_id: string;
  x_position: number;
  world_position: number;
}

export interface PlaceResponse extends WithUser {
  ok: boolean;
  generator: Generator;
}

export interface GeneratorResponse extends WithUser {
  generator: Generator;
}

export interface DemolishResponse extends WithUser {
  demolished: { generator_id: string; cost_data: number; cost_high: number };
}

export interface GeneratorUpgradeResponse extends GeneratorResponse {
  cost_data: number;
  cost_high: number;
}

export interface SkipResponse extends GeneratorResponse {
  skip_cost_data?: number;
  skip_cost_high?: number;
  remaining_seconds?: number;
}

export interface ExchangeRequest {
  user_id: string;
  amount_data: number;
  amount_high: number;
}

export interface ExchangeResponse extends WithUser {
  energy_data: number;
  energy_high: number;
  money_data: number;
  money_high: number;
  rate: number;
  rate_data: number;
  rate_high: number;
  gained_data: number;
  gained_high: number;
}

export interface RateResponse {
  rate: number;
  rate_data: number;
  rate_high: number;
}

export interface RebirthInfo {
  rebirth_count: number;
  next_cost_data: number;
  next_cost_high: number;
  current_multiplier: number | null; // null beyond 2^1023 (the server also sends current_multiplier_data/_high)
  next_multiplier: number | null;
  max_chain: number;
  chain_cost_data: number;
  chain_cost_high: number;
  start_money_data: number;
  start_money_high: number;
  upgrade_batch_limit: number;
  user?: User;
}

export interface RebirthResponse extends WithUser {
  message: string;
}

export interface SupercoinResponse {
  supercoin: number;
}

export interface BigScore {
  data: number;
  high: number;
  displayValue?: string;
}

export type RankScore = BigScore | number;

export interface MyRank {
  username: string;
  rank: number | null;
  score: RankScore;
  criteria: RankCriteria;
}

export interface RankEntry {
  username: string;
  rank: number;
  score: RankScore;
}

export interface RanksPage {
  total: number;
  limit: number;
  offset: number;
  criteria: RankCriteria;
  ranks: RankEntry[];
}

export interface TutorialResponse {
  tutorial: number;
  user?: User;
  message: string;
}

export interface Inquiry {
  inquiry_id: string;
  user_id: string;
  username?: string;
  type: InquiryType;
  content: string;
  created_at: number;
}

export interface InquiryDecision {
  status: 'accepted' | 'rejected';
  user_id: string;
}

/** PATCH /admin/generator_types/{index}: omitted fields keep their value. */
export interface GeneratorTypePatch {
  description?: string;
  cost_data?: number;
  cost_high?: number;
  energy_data?: number;
  energy_high?: number;
  install_seconds?: number;
  heat?: number;
  tolerance?: number;
}
