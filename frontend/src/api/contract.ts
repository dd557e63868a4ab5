// The types of types.ts as key lists the compiler holds equal to them (`satisfies Keys<T>` rejects a missing or an
// extra key), so a test can hold them against the server's OpenAPI document: every field the client reads or
// sends must exist on the server, and every field the server requires in a request must be sent.
import type * as T from './types';

type Keys<Shape> = { readonly [K in keyof Required<Shape>]: true };

const user = {
  user_id: true, username: true, energy_data: true, energy_high: true, money_data: true, money_high: true,
  sold_energy_data: true, sold_energy_high: true, production_bonus: true, heat_reduction: true,
  tolerance_bonus: true, max_generators_bonus: true, demand_bonus: true, play_time_ms: true, rebirth_count: true,
  rebirth_chain_upgrade: true, upgrade_batch_upgrade: true, rebirth_start_money_upgrade: true, tutorial: true,
  supercoin: true, build_speed_reduction: true, energy_multiplier: true, exchange_rate_multiplier: true,
  server_time_ms: true, production_data: true, production_high: true, is_admin: true, catalogue_version: true,
} as const satisfies Keys<T.User>;

const generator = {
  generator_id: true, generator_type_id: true, type: true, cost_data: true, cost_high: true, x_position: true,
  world_position: true, level: true, isdeveloping: true, build_complete_ts: true, heat: true, running: true,
  upgrades: true, heat_rate: true, heat_limit: true, cooling_rate: true, production_data: true,
  production_high: true, exploded: true, build_total_seconds: true, rebuild_seconds: true,
} as const satisfies Keys<T.Generator>;

const upgrades = { production: true, heat_reduction: true, tolerance: true } as const satisfies Keys<T.GeneratorUpgrades>;

const generatorType = {
  id: true, generator_type_id: true, name: true, description: true, index: true, cost_data: true, cost_high: true,
  energy_data: true, energy_high: true, install_seconds: true, heat: true, tolerance: true, size: true, image: true,
} as const satisfies Keys<T.GeneratorType>;

const inquiry = { inquiry_id: true, user_id: true, username: true, type: true, content: true, created_at: true } as const satisfies Keys<T.Inquiry>;
const rankEntry = { username: true, rank: true, score: true } as const satisfies Keys<T.RankEntry>;

/** A JSON object as the client sees it: its keys, and the shapes of the objects (or array items) inside. */
export interface Shape {
  keys: readonly string[];
  nested?: Record<string, Shape>;
}

const shape = (keys: object, nested?: Record<string, Shape>): Shape => ({ keys: Object.keys(keys), nested });
const USER = shape(user);
const GENERATOR = shape(generator, { upgrades: shape(upgrades) });
const WITH_GENERATOR = { user: USER, generator: GENERATOR };

export interface Endpoint {
  method: 'get' | 'post' | 'delete' | 'patch';
  path: string;
  request?: Shape;
  response: Shape;
}

export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'post', path: '/signup', request: shape({ username: true, password: true } satisfies Keys<T.Credentials>), response: shape({ user: true, access_token: true, refresh_token: true, csrf_token: true } satisfies Keys<T.AuthResponse>, { user: USER }) },
  { method: 'post', path: '/login', request: shape({ username: true, password: true } satisfies Keys<T.Credentials>), response: shape({ user: true, access_token: true, refresh_token: true, csrf_token: true } satisfies Keys<T.AuthResponse>, { user: USER }) },
  { method: 'get', path: '/csrf-token', response: shape({ csrf_token: true, detail: true } satisfies Keys<T.CsrfResponse>) },
  { method: 'post', path: '/logout', response: shape({ detail: true } satisfies Keys<T.Detail>) },
  { method: 'post', path: '/delete_account', request: shape({ password: true } satisfies Keys<T.PasswordRequest>), response: shape({ detail: true } satisfies Keys<T.Detail>) },
  { method: 'get', path: '/generator_types', response: shape({ types: true } satisfies Keys<T.GeneratorTypesResponse>, { types: shape(generatorType) }) },
  { method: 'get', path: '/progress', response: shape({ user_id: true, user: true, generators: true } satisfies Keys<T.ProgressAnswer>, { user: USER, generators: GENERATOR }) },
  { method: 'post', path: '/progress', request: shape({ user_id: true, generator_type_id: true, x_position: true, world_position: true } satisfies Keys<T.PlaceRequest>), response: shape({ ok: true, user: true, generator: true } satisfies Keys<T.PlaceResponse>, WITH_GENERATOR) },
  { method: 'delete', path: '/progress/{generator_id}', response: shape({ user: true, demolished: true } satisfies Keys<T.DemolishResponse>, { user: USER, demolished: shape({ generator_id: true, cost_data: true, cost_high: true }) }) },
  { method: 'post', path: '/progress/{generator_id}/state', request: shape({ generator_id: true, running: true } satisfies Keys<T.StateRequest>), response: shape({ user: true, generator: true } satisfies Keys<T.GeneratorResponse>, WITH_GENERATOR) },
  { method: 'post', path: '/progress/{generator_id}/upgrade', request: shape({ upgrade: true, amount: true } satisfies Keys<T.GeneratorUpgradeRequest>), response: shape({ user: true, generator: true, cost_data: true, cost_high: true } satisfies Keys<T.GeneratorUpgradeResponse>, WITH_GENERATOR) },
  { method: 'post', path: '/progress/{generator_id}/build/skip', response: shape({ user: true, generator: true, skip_cost_data: true, skip_cost_high: true, remaining_seconds: true } satisfies Keys<T.SkipResponse>, WITH_GENERATOR) },
  { method: 'post', path: '/change/energy2money', request: shape({ user_id: true, amount_data: true, amount_high: true } satisfies Keys<T.ExchangeRequest>), response: shape({ user: true, energy_data: true, energy_high: true, money_data: true, money_high: true, rate: true, rate_data: true, rate_high: true, gained_data: true, gained_high: true } satisfies Keys<T.ExchangeResponse>, { user: USER }) },
  { method: 'get', path: '/change/rate', response: shape({ rate: true, rate_data: true, rate_high: true } satisfies Keys<T.RateResponse>) },
  { method: 'post', path: '/upgrade/{key}', request: shape({ amount: true } satisfies Keys<T.AmountRequest>), response: USER },
  { method: 'get', path: '/rebirth/info', response: shape({ user: true, rebirth_count: true, next_cost_data: true, next_cost_high: true, current_multiplier: true, next_multiplier: true, max_chain: true, chain_cost_data: true, chain_cost_high: true, start_money_data: true, start_money_high: true, upgrade_batch_limit: true } satisfies Keys<T.RebirthInfo>, { user: USER }) },
  { method: 'post', path: '/rebirth', request: shape({ count: true } satisfies Keys<T.RebirthRequest>), response: shape({ user: true, message: true } satisfies Keys<T.RebirthResponse>, { user: USER }) },
  { method: 'post', path: '/special/{key}', response: USER },
  { method: 'post', path: '/special/award_supercoin', response: shape({ supercoin: true } satisfies Keys<T.SupercoinResponse>) },
  { method: 'get', path: '/rank', response: shape({ username: true, rank: true, score: true, criteria: true } satisfies Keys<T.MyRank>) },
  { method: 'get', path: '/ranks', response: shape({ total: true, limit: true, offset: true, criteria: true, ranks: true } satisfies Keys<T.RanksPage>, { ranks: shape(rankEntry) }) },
  { method: 'post', path: '/tutorial/progress', request: shape({ step: true } satisfies Keys<T.StepRequest>), response: shape({ tutorial: true, user: true, message: true } satisfies Keys<T.TutorialResponse>, { user: USER }) },
  { method: 'post', path: '/tutorial/skip', response: shape({ tutorial: true, message: true }) },
  { method: 'post', path: '/inquiries', request: shape({ type: true, content: true } satisfies Keys<T.InquiryRequest>), response: shape(inquiry) },
  { method: 'get', path: '/inquiries', response: shape(inquiry) },
  { method: 'post', path: '/inquiries/{inquiry_id}/accept', response: shape({ status: true, user_id: true } satisfies Keys<T.InquiryDecision>) },
  { method: 'post', path: '/inquiries/{inquiry_id}/reject', response: shape({ status: true, user_id: true } satisfies Keys<T.InquiryDecision>) },
  { method: 'patch', path: '/admin/generator_types/{index}', request: shape({ description: true, cost_data: true, cost_high: true, energy_data: true, energy_high: true, install_seconds: true, heat: true, tolerance: true } satisfies Keys<T.GeneratorTypePatch>), response: shape(generatorType) },
];

// --- checking against an OpenAPI document -------------------------------------------------------------------

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
}

export interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> }; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Follows $ref, array items and `X | null` down to an object schema. */
function objectSchema(document: OpenApi, schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return objectSchema(document, document.components?.schemas?.[schema.$ref.split('/').pop() ?? '']);
  if (schema.type === 'array') return objectSchema(document, schema.items);
  if (schema.anyOf) return schema.anyOf.map((s) => objectSchema(document, s)).find((s) => s?.properties);
  return schema;
}

function shapeProblems(document: OpenApi, where: string, shape: Shape, schema: Schema | undefined, isRequest: boolean): string[] {
  const object = objectSchema(document, schema);
  if (!object?.properties) return [`${where}: the server documents no object here`];
  const properties = object.properties;
  const problems = shape.keys.filter((key) => !(key in properties)).map((key) => `${where}.${key}: not in the server's schema`);
  if (isRequest) problems.push(...(object.required ?? []).filter((key) => !shape.keys.includes(key)).map((key) => `${where}.${key}: required by the server, not sent`));
  for (const [key, inner] of Object.entries(shape.nested ?? {})) problems.push(...shapeProblems(document, `${where}.${key}`, inner, properties[key], isRequest));
  return problems;
}

/** Every difference between what the client uses and what the OpenAPI document says; empty when they agree. */
export function contractProblems(document: OpenApi, endpoints: readonly Endpoint[] = ENDPOINTS): string[] {
  return endpoints.flatMap((endpoint) => {
    const name = `${endpoint.method.toUpperCase()} ${endpoint.path}`;
    const operation = document.paths[endpoint.path]?.[endpoint.method];
    if (!operation) return [`${name}: not offered by the server`];
    const problems = shapeProblems(document, `${name} response`, endpoint.response, operation.responses?.['200']?.content?.['application/json']?.schema, false);
    if (endpoint.request) {
      const body = operation.requestBody?.content?.['application/json']?.schema;
      problems.push(...shapeProblems(document, `${name} request`, endpoint.request, body, true));
    }
    return problems;
  });
}
