// The one HTTP client of the app. Cookies carry the session; state-changing requests repeat the CSRF cookie in the
// x-csrf-token header (ORIGINAL-RULES.md §13); a 401 is answered by one POST /refresh/access and a retry; a 429 waits
// for Retry-After.
import type {
  AmountRequest,
  AuthResponse,
  Credentials,
  CsrfResponse,
  DemolishResponse,
  Detail,
  ExchangeRequest,
  ExchangeResponse,
  GeneratorResponse,
  GeneratorType,
  GeneratorTypePatch,
  GeneratorTypesResponse,
  GeneratorUpgradeRequest,
  GeneratorUpgradeResponse,
  GlobalUpgradeKey,
  Inquiry,
  InquiryDecision,
  InquiryRequest,
  InquiryType,
  MyRank,
  PlaceRequest,
  PasswordRequest,
  PlaceResponse,
  ProgressAnswer,
  RankCriteria,
  RanksPage,
  RateResponse,
  RebirthInfo,
  RebirthRequest,
  RebirthResponse,
  RebirthUpgradeKey,
  SkipResponse,
  SpecialKey,
  StateRequest,
  StepRequest,
  SupercoinResponse,
  TutorialResponse,
  UpgradeKey,
  User,
  WithUser,
} from './types';

export const API_BASE = (import.meta.env.VITE_API_BASE ?? '/api').replace(/\/+$/, '');

const CSRF_COOKIE = 'csrf_token';
const MAX_429_RETRIES = 3;
// Retry-After is obeyed up to the longest wait the server sends (the login backoff's 300 s), not a wrong clock's date
const MAX_RETRY_AFTER_SECONDS = 300;
// these never need a session, and a 401 from them is an answer, not an expired session
const SESSIONLESS = ['/login', '/signup', '/refresh/access', '/csrf-token', '/generator_types'];
// a person waits for these: a 429 is shown at once with its wait (the login backoff doubles up to minutes)
const ANSWER_AT_ONCE = ['/login', '/signup'];

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  /** Whole seconds from Retry-After, when the answer said when to come back. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, detail: string, retryAfterSeconds: number | null = null) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

type Method = 'GET' | 'POST' | 'DELETE' | 'PATCH';

interface SendOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Called as each attempt is sent (after any Retry-After wait or refresh): the caller times the round trip. */
  onSend?: () => void;
}

let csrfToken: string | null = null;
let refreshing: Promise<RefreshOutcome> | null = null;
let onSessionLost: () => void = () => undefined;
// performance.now() before which this tab sends nothing: a 429 or 503's Retry-After holds back every request, not
// only its own (a monotonic clock: moving the wall clock back must not stretch the wait)
let waitUntil = 0;
const waitListeners = new Set<() => void>();
const monotonicNow = (): number => performance.now();

/** Milliseconds this tab still waits after a 429/503 before sending (0 when it is not waiting). */
export const waitingMs = (): number => Math.max(0, waitUntil - monotonicNow());

/** When the tab may send again, as a value that changes only when a new wait starts (for React's external store). */
export const waitingUntil = (): number => waitUntil;

/** Called when the tab starts waiting out a Retry-After (the app tells the player). */
export function subscribeWaiting(listener: () => void): () => void {
  waitListeners.add(listener);
  return () => waitListeners.delete(listener);
}

/** A new session starts without its predecessor's wait (another player has buckets of its own). */
export function forgetWaiting(): void {
  if (waitUntil !== 0) setWaitUntil(0);
}

function holdBack(ms: number): void {
  if (monotonicNow() + ms > waitUntil) setWaitUntil(monotonicNow() + ms);
}

function setWaitUntil(value: number): void {
  waitUntil = value;
  waitListeners.forEach((listener) => listener());
}

/** Called once when the session cannot be refreshed: the app shows the login. */
export function setSessionLostHandler(handler: () => void): void {
  onSessionLost = handler;
}

function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  const prefix = `${name}=`;
  const found = document.cookie.split('; ').find((part) => part.startsWith(prefix));
  return found ? decodeURIComponent(found.slice(prefix.length)) : null;
}

function currentCsrf(): string | null {
  // the cookie is the truth when the API shares our origin; across origins only the remembered token is readable
  return readCookie(CSRF_COOKIE) ?? csrfToken;
}

/**
 * Whether a session may exist, so that asking the server is worth it: with the API on this page's origin, every
 * session comes with the readable CSRF cookie (same lifetime as the refresh token), so without it a first visit
 * shows the login without two 401s in the console. Across origins the cookie cannot be read: always ask.
 */
export function mayHaveSession(apiBase: string = API_BASE, cookie: string | null = readCookie(CSRF_COOKIE)): boolean {
  return !apiBase.startsWith('/') || cookie !== null;
}

function rememberCsrf(token: string | null | undefined): void {
  if (token) csrfToken = token;
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** Retry-After in seconds (a number of seconds or an HTTP date); null when absent or unreadable. */
function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get('retry-after');
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : (date - Date.now()) / 1000;
}

function retryAfterMs(response: Response): number {
  return Math.min(Math.max(retryAfterSeconds(response) ?? 1, 0.5), MAX_RETRY_AFTER_SECONDS) * 1000;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let detail = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as Partial<Detail> | { detail?: { msg?: string }[] };
    if (typeof body.detail === 'string') detail = body.detail;
    else if (Array.isArray(body.detail) && body.detail[0]?.msg) detail = body.detail[0].msg;
  } catch {
    // not JSON: keep the status line
  }
  const retryAfter = retryAfterSeconds(response);
  return new ApiError(response.status, detail, retryAfter === null ? null : Math.ceil(retryAfter));
}

async function ensureCsrf(): Promise<void> {
  if (currentCsrf()) return;
  const answer = await request<CsrfResponse>('GET', '/csrf-token');
  rememberCsrf(answer.csrf_token);
}

async function fetchOnce(method: Method, path: string, options: SendOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = currentCsrf();
    if (token) headers['x-csrf-token'] = token;
  }
  const response = await fetch(API_BASE + path, {
    method,
    headers,
    credentials: 'include',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  rememberCsrf(response.headers.get('x-csrf-token'));
  return response;
}

/** 'busy': the refresh was refused for now (429/503) or did not get through; the session may well be alive. */
type RefreshOutcome = 'refreshed' | 'lost' | 'busy';

function refreshSession(): Promise<RefreshOutcome> {
  refreshing ??= fetchOnce('POST', '/refresh/access', {})
    .then(async (response): Promise<RefreshOutcome> => {
      if (isBusy(response)) {
        holdBack(retryAfterMs(response));
        return 'busy';
      }
      if (!response.ok) return 'lost';
      const body = (await response.json().catch(() => ({}))) as { csrf_token?: string };
      rememberCsrf(body.csrf_token);
      return 'refreshed';
    })
    .catch((): RefreshOutcome => {
      holdBack(1000);
      return 'busy';
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** 429 (rate limit) and 503 with Retry-After (server overloaded) both ask us to come back later. */
function isBusy(response: Response): boolean {
  return response.status === 429 || (response.status === 503 && response.headers.has('retry-after'));
}

async function request<T>(method: Method, path: string, options: SendOptions = {}): Promise<T> {
  if (method !== 'GET' && !SESSIONLESS.includes(path)) await ensureCsrf();
  let refreshed = false;
  const atOnce = ANSWER_AT_ONCE.includes(path);
  for (let attempt = 0; ; attempt += 1) {
    // again after each wait: another answer may have pushed the hold further meanwhile
    while (!atOnce && waitingMs() > 0) await wait(waitingMs(), options.signal);
    options.onSend?.();
    const response = await fetchOnce(method, path, options);
    if (isBusy(response) && !atOnce) {
      holdBack(retryAfterMs(response));
      if (attempt < MAX_429_RETRIES) continue;
    }
    if (response.status === 401 && !SESSIONLESS.includes(path)) {
      const outcome = refreshed ? 'lost' : await refreshSession();
      if (outcome === 'refreshed') {
        refreshed = true;
        continue;
      }
      if (outcome === 'busy' && attempt < MAX_429_RETRIES) continue; // after the wait the refresh is tried again
      if (outcome === 'lost') onSessionLost();
    }
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal });
const post = <T, B extends object = object>(path: string, body?: B) => request<T>('POST', path, { body });
const withUser = async (answer: Promise<User>): Promise<WithUser> => ({ user: await answer });
const query = (params: Record<string, string | number>) => new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

async function authenticate(path: '/login' | '/signup', credentials: Credentials): Promise<AuthResponse> {
  const answer = await post<AuthResponse, Credentials>(path, credentials);
  rememberCsrf(answer.csrf_token);
  forgetWaiting();
  return answer;
}

export const api = {
  signup: (credentials: Credentials) => authenticate('/signup', credentials),
  login: (credentials: Credentials) => authenticate('/login', credentials),
  logout: () => post<Detail>('/logout'),
  deleteAccount: (password: string) => post<Detail, PasswordRequest>('/delete_account', { password }),

  generatorTypes: (signal?: AbortSignal) => get<GeneratorTypesResponse>('/generator_types', signal),
  progress: (signal?: AbortSignal, onSend?: () => void) => request<ProgressAnswer>('GET', '/progress', { signal, onSend }),
  place: (body: PlaceRequest) => post<PlaceResponse, PlaceRequest>('/progress', body),
  demolish: (generatorId: string) => request<DemolishResponse>('DELETE', `/progress/${encodeURIComponent(generatorId)}`),
  setRunning: (generatorId: string, running: boolean) =>
    post<GeneratorResponse, StateRequest>(`/progress/${encodeURIComponent(generatorId)}/state`, { generator_id: generatorId, running }),
  upgradeGenerator: (generatorId: string, upgrade: UpgradeKey, amount = 1) =>
    post<GeneratorUpgradeResponse, GeneratorUpgradeRequest>(`/progress/${encodeURIComponent(generatorId)}/upgrade`, { upgrade, amount }),
  skipBuild: (generatorId: string) => post<SkipResponse>(`/progress/${encodeURIComponent(generatorId)}/build/skip`),

  exchange: (body: ExchangeRequest) => post<ExchangeResponse, ExchangeRequest>('/change/energy2money', body),
  rate: (signal?: AbortSignal) => get<RateResponse>('/change/rate', signal),

  upgradeGlobal: (key: GlobalUpgradeKey, amount: number) => withUser(post<User, AmountRequest>(`/upgrade/${key}`, { amount })),
  upgradeRebirth: (key: RebirthUpgradeKey, amount: number) => withUser(post<User, AmountRequest>(`/upgrade/${key}`, { amount })),
  rebirthInfo: (signal?: AbortSignal) => get<RebirthInfo>('/rebirth/info', signal),
  rebirth: (count: number) => post<RebirthResponse, RebirthRequest>('/rebirth', { count }),
  special: (key: SpecialKey) => withUser(post<User>(`/special/${key}`)),
  supercoin: () => post<SupercoinResponse>('/special/award_supercoin'),

  myRank: (criteria: RankCriteria, signal?: AbortSignal) => get<MyRank>(`/rank?${query({ criteria })}`, signal),
  ranks: (criteria: RankCriteria, limit = 100, offset = 0, signal?: AbortSignal) =>
    get<RanksPage>(`/ranks?${query({ criteria, limit, offset })}`, signal),

  tutorialProgress: (step: number) => post<TutorialResponse, StepRequest>('/tutorial/progress', { step }),
  tutorialSkip: () => post<TutorialResponse>('/tutorial/skip'),

  createInquiry: (type: InquiryType, content: string) => post<Inquiry, InquiryRequest>('/inquiries', { type, content }),
  inquiries: (signal?: AbortSignal) => get<Inquiry[]>('/inquiries', signal),
  acceptInquiry: (inquiryId: string) => post<InquiryDecision>(`/inquiries/${encodeURIComponent(inquiryId)}/accept`),
  rejectInquiry: (inquiryId: string) => post<InquiryDecision>(`/inquiries/${encodeURIComponent(inquiryId)}/reject`),
  editGeneratorType: (index: number, patch: GeneratorTypePatch) =>
    request<GeneratorType>('PATCH', `/admin/generator_types/${index}`, { body: patch }),
};

// the server's English messages the player can meet, in the game's language
const KOREAN: Record<string, string> = {
  'Not enough money': '돈이 부족합니다.',
  'Not enough energy': '에너지가 부족합니다.',
  'Not enough money to demolish': '철거 비용이 부족합니다.',
  'Not enough money to skip build': '즉시 완성 비용이 부족합니다.',
  'Not enough money for rebirth': '환생에 필요한 돈이 부족합니다.',
  'Generator limit reached': '발전기를 더 설치할 수 없습니다. 발전기 최대 개수 업그레이드를 구매하세요.',
  'Generator already exists in this position': '이미 발전기가 있는 자리입니다.',
  'Generator not found': '발전기를 찾을 수 없습니다.',
  'Invalid amount': '판매할 에너지 양이 올바르지 않습니다.',
  'Invalid username or password': '아이디 또는 비밀번호가 올바르지 않습니다.',
  'Invalid password': '비밀번호가 올바르지 않습니다.',
  'Username already exists': '이미 사용 중인 아이디입니다.',
  'Username is required': '아이디를 입력하세요.',
  'Username must be at least 3 characters': '아이디는 3자 이상이어야 합니다.',
  'Username must be at most 20 characters': '아이디는 20자 이하여야 합니다.',
  'Username can only contain letters, numbers, and underscores': '아이디에는 글자, 숫자, _ 만 쓸 수 있습니다.',
  'Password must be at least 8 characters.': '비밀번호는 8자 이상이어야 합니다.',
  'Password too long.': '비밀번호는 128자 이하여야 합니다.',
  'Password must include letters and digits.': '비밀번호에는 글자와 숫자가 하나 이상 있어야 합니다.',
  'Admin access required': '관리자만 할 수 있습니다.',
  'Amount must be at most 10000 per request': '한 번에 10000레벨까지만 살 수 있습니다.',
  "Invalid inquiry type. Must be one of: ['bug', 'vulnerability', 'proposal', 'other']": '문의 종류가 올바르지 않습니다.',
  'Too many pending inquiries': '답변을 기다리는 문의가 너무 많습니다. 처리된 뒤에 다시 보내 주세요.',
  'Inquiry not found': '문의를 찾을 수 없습니다. 이미 처리되었을 수 있습니다.',
  'Unknown upgrade': '알 수 없는 업그레이드입니다.',
  'Invalid upgrade endpoint': '알 수 없는 업그레이드입니다.',
  'User mismatch': '다른 계정의 요청입니다. 다시 로그인하세요.',
  'Generator type not found': '발전기 종류를 찾을 수 없습니다.',
  'Tutorial step must be between 0 and 20': '튜토리얼 단계가 올바르지 않습니다.',
  'Service temporarily unavailable': '서버가 잠시 응답할 수 없습니다. 잠시 후 다시 시도하세요.',
  'Request body not received in time': '네트워크가 느려 요청을 보내지 못했습니다. 다시 시도하세요.',
  'Request body too large': '요청이 너무 큽니다.',
};

/** The player's sentence for one of the server's messages (the client says it too when it refuses for the server). */
export function serverMessage(detail: string): string {
  return KOREAN[detail] ?? detail;
}

/** A Korean sentence for an error, keeping the server's own message when there is no translation. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfterSeconds;
      return wait ? `요청이 너무 많습니다. ${wait}초 후에 다시 시도하세요.` : '요청이 너무 많습니다. 잠시 후 다시 시도하세요.';
    }
    if (error.status >= 500) return KOREAN[error.detail] ?? '서버 오류가 발생했습니다. 잠시 후 다시 시도하세요.';
    if (!KOREAN[error.detail] && error.detail.startsWith('Too many')) return '요청이 너무 많습니다. 잠시 후 다시 시도하세요.';
    return serverMessage(error.detail);
  }
  if (error instanceof DOMException && error.name === 'AbortError') return '요청이 취소되었습니다.';
  if (error instanceof TypeError) return '서버에 연결할 수 없습니다. 네트워크를 확인하세요.';
  return error instanceof Error ? error.message : String(error);
}
