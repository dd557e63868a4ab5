import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, describeError, forgetWaiting, mayHaveSession, setSessionLostHandler, subscribeWaiting, waitingMs } from './client';

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

describe('api client', () => {
  let calls: Call[];
  let answers: (Response | Promise<Response>)[];

  beforeEach(() => {
    calls = [];
    answers = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        const next = answers.shift();
        if (!next) throw new Error(`unexpected request ${url}`);
        return next;
      }),
    );
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
    setSessionLostHandler(() => undefined);
    forgetWaiting();
  });

  it('calls /api with cookies and remembers the CSRF token of a login', async () => {
    answers.push(json(200, { user: { user_id: 'u' }, csrf_token: 'tok-1' }), json(200, { detail: 'Logout successful' }));
    await api.login({ username: 'a', password: 'b' });
    await api.logout();
    expect(calls[0].url).toBe('/api/login');
    expect(calls[0].init.credentials).toBe('include');
    expect((calls[1].init.headers as Record<string, string>)['x-csrf-token']).toBe('tok-1');
  });

  it('sends no CSRF header on GET', async () => {
    answers.push(json(200, { rate: 1, rate_data: 1000, rate_high: 0 }));
    await api.rate();
    expect((calls[0].init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
  });

  it('refreshes once on 401 and retries', async () => {
    answers.push(json(401, { detail: 'Token expired' }), json(200, { detail: 'access token refreshed', csrf_token: 'tok-2' }), json(200, { rate: 2 }));
    const rate = await api.rate();
    expect(rate.rate).toBe(2);
    expect(calls.map((c) => c.url)).toEqual(['/api/change/rate', '/api/refresh/access', '/api/change/rate']);
  });

  it('gives up and reports the lost session when the refresh fails', async () => {
    const lost = vi.fn();
    setSessionLostHandler(lost);
    answers.push(json(401, { detail: 'Token expired' }), json(401, { detail: 'Refresh token revoked or invalid' }));
    await expect(api.rate()).rejects.toMatchObject({ status: 401 });
    expect(lost).toHaveBeenCalledOnce();
  });

  // 60 s: longer than half a minute (the old cap), still obeyed
  it.each([2, 60])('waits for a 429 Retry-After of %i s', async (seconds) => {
    vi.useFakeTimers();
    answers.push(json(429, { detail: 'slow down' }, { 'retry-after': String(seconds) }), json(200, { rate: 3 }));
    const pending = api.rate();
    await vi.advanceTimersByTimeAsync(seconds * 1000 - 100);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect((await pending).rate).toBe(3);
    expect(calls).toHaveLength(2);
  });

  it('holds back every request of the tab until the Retry-After has passed, and says so', async () => {
    vi.useFakeTimers();
    const told = vi.fn();
    const unsubscribe = subscribeWaiting(told);
    answers.push(json(429, { detail: 'slow down' }, { 'retry-after': '3' }), json(200, { rate: 3 }), json(200, { rate: 4 }));
    const first = api.rate();
    await vi.advanceTimersByTimeAsync(10);
    expect(told).toHaveBeenCalledOnce(); // at once, not after the retries
    expect(waitingMs()).toBeGreaterThan(2900);
    const second = api.rate(); // another request of the same tab waits too
    await vi.advanceTimersByTimeAsync(2900);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect([(await first).rate, (await second).rate].sort()).toEqual([3, 4]);
    unsubscribe();
  });

  it('waits again when another answer pushed the hold further while it waited', async () => {
    vi.useFakeTimers();
    const later = new Promise<Response>((resolve) => setTimeout(() => resolve(json(429, { detail: 'slow down' }, { 'retry-after': '3' })), 500));
    answers.push(json(429, { detail: 'slow down' }, { 'retry-after': '1' }), later, json(200, { rate: 1 }), json(200, { rate: 2 }));
    const first = api.rate(); // refused at once: held until 1 s
    const second = api.rate(); // sent with it, refused at 0.5 s: held until 3.5 s
    await vi.advanceTimersByTimeAsync(3400);
    expect(calls).toHaveLength(2); // the first woke at 1 s and saw the longer hold
    await vi.advanceTimersByTimeAsync(200);
    expect([(await first).rate, (await second).rate].sort()).toEqual([1, 2]);
  });

  it('keeps the session when its refresh is refused for now, and refreshes after the wait', async () => {
    vi.useFakeTimers();
    const lost = vi.fn();
    setSessionLostHandler(lost);
    answers.push(
      json(401, { detail: 'Token expired' }),
      json(429, { detail: 'Too many requests, slow down' }, { 'retry-after': '2' }),
      json(401, { detail: 'Token expired' }),
      json(200, { detail: 'access token refreshed', csrf_token: 'tok-3' }),
      json(200, { rate: 7 }),
    );
    const pending = api.rate();
    await vi.advanceTimersByTimeAsync(2100);
    expect((await pending).rate).toBe(7);
    expect(lost).not.toHaveBeenCalled();
  });

  it('answers a refused login at once with its wait instead of waiting silently', async () => {
    vi.useFakeTimers();
    answers.push(json(429, { detail: 'Too many attempts. Please wait 8 seconds.' }, { 'retry-after': '8' }));
    const failure = await api.login({ username: 'someone', password: 'password1' }).catch((error: unknown) => error);
    expect(calls).toHaveLength(1);
    expect(failure).toMatchObject({ status: 429, retryAfterSeconds: 8 });
    expect(describeError(failure)).toBe('요청이 너무 많습니다. 8초 후에 다시 시도하세요.');
  });

  it('turns an error answer into an ApiError with the server detail', async () => {
    answers.push(json(400, { detail: 'Not enough money' }));
    const failure = await api.upgradeGlobal('production', 1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).detail).toBe('Not enough money');
  });
});

describe('describeError', () => {
  it('speaks Korean for known server messages and keeps unknown ones', () => {
    expect(describeError(new ApiError(400, 'Not enough money'))).toBe('돈이 부족합니다.');
    expect(describeError(new ApiError(400, '환생이 부족합니다.'))).toBe('환생이 부족합니다.');
    expect(describeError(new ApiError(429, 'Too many requests'))).toContain('잠시 후');
    expect(describeError(new TypeError('Failed to fetch'))).toContain('연결');
  });

  it('has Korean for every message the server sends a player, and no English on a server error', () => {
    for (const detail of ["Invalid inquiry type. Must be one of: ['bug', 'vulnerability', 'proposal', 'other']", 'Too many pending inquiries', 'Inquiry not found', 'Unknown upgrade', 'Invalid upgrade endpoint', 'User mismatch', 'Generator type not found', 'Tutorial step must be between 0 and 20', 'Request body not received in time', 'Request body too large']) {
      expect(describeError(new ApiError(400, detail))).not.toBe(detail);
    }
    expect(describeError(new ApiError(503, 'Service temporarily unavailable'))).toContain('잠시 후');
    expect(describeError(new ApiError(500, 'Internal Server Error'))).not.toContain('Internal');
    expect(describeError(new ApiError(400, 'Too many pending inquiries'))).toContain('문의');
  });
});

describe('mayHaveSession', () => {
  it('skips the probe only when the API shares the origin and no session cookie is there', () => {
    expect(mayHaveSession('/api', null)).toBe(false);
    expect(mayHaveSession('/api', 'a-token')).toBe(true);
    expect(mayHaveSession('https://api.example.com', null)).toBe(true);
  });
});

