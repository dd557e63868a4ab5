import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import type { Generator, Progress } from '../api/types';
import { toNumber } from '../game/bignum';
import { GameStore } from './gameStore';
import vectors from '../game/vectors.json';

const T0 = 1_700_000_000_000;
const template = (vectors as unknown as { cases: { progress: Progress }[] }).cases[0].progress;

/** A plant producing 1/s with `energy` at server time `at`. */
function answer(energy: number, at: number, extra: Partial<Generator> = {}): Progress {
  const generator = { ...template.generators[0], ...extra };
  const user = { ...template.user, energy_data: Math.round(energy * 1000), energy_high: 0, server_time_ms: at, production_data: 1000, production_high: 0 };
  return { user_id: 'u1', server_time_ms: at, user, generators: [generator] };
}

describe('GameStore extrapolation and correction', () => {
  let clock: number;
  let store: GameStore;

  beforeEach(() => {
    clock = 0;
    store = new GameStore(() => clock);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const shown = () => toNumber(store.live()!.energy);

  it('moves energy with time between answers', () => {
    store.acceptProgress(answer(10, T0), 0, 0);
    clock = 2500;
    expect(shown()).toBeCloseTo(12.5, 2);
  });

  it('never shows energy going back when an answer is slightly behind', () => {
    store.acceptProgress(answer(10, T0), 0, 0);
    clock = 1000;
    expect(shown()).toBeCloseTo(11, 3);
    store.acceptProgress(answer(10.6, T0 + 1000), 1000, 0); // 0.4 behind: less than one second's production
    expect(shown()).toBeCloseTo(11, 3);
    clock = 1200;
    expect(shown()).toBeCloseTo(11, 3); // held until the truth catches up
    clock = 1600;
    expect(shown()).toBeCloseTo(11.2, 3);
  });

  it('follows the server when it differs by more than a second of production', () => {
    store.acceptProgress(answer(100, T0), 0, 0);
    clock = 1000;
    store.acceptProgress(answer(5, T0 + 1000), 1000, 0); // energy was sold elsewhere
    expect(shown()).toBeCloseTo(5, 3);
  });

  it('ignores an answer older than the one shown', () => {
    store.acceptProgress(answer(10, T0 + 5000), 0, 0);
    store.acceptProgress(answer(99, T0), 10, 0);
    expect(store.progress?.user.energy_data).toBe(10000);
  });

  it('merges an action answer: new user, changed generator, others advanced', () => {
    store.acceptProgress(answer(0, T0), 0, 0);
    clock = 3000;
    const paused = { ...template.generators[0], running: false };
    store.acceptAction({ user: { ...template.user, energy_data: 3000, server_time_ms: T0 + 3000 } }, { generator: paused });
    clock = 6000;
    expect(shown()).toBeCloseTo(3, 3); // the only generator is paused now
    expect(store.progress?.generators[0].running).toBe(false);
  });

  it('anchors an action answer half a round trip back and holds the energy, as a poll answer', () => {
    // a slow link, 2 s each way: clock c is server time T0 + (c - 2000)
    store.acceptProgress(answer(100, T0), 4000, 4000);
    clock = 12_000;
    expect(shown()).toBeCloseTo(110, 3);
    // an upgrade that leaves production alone, sent at 8000, answered by the server at T0 + 8000, received now
    store.acceptAction({ user: answer(108, T0 + 8000).user });
    expect(shown()).toBeCloseTo(110, 3); // not 108: two seconds behind
    clock = 13_000;
    expect(shown()).toBeCloseTo(111, 3);
  });

  it('times a poll from the attempt that was answered, not from a Retry-After wait before it', async () => {
    const progress = vi.spyOn(api, 'progress').mockImplementation(async (_signal, onSend) => {
      clock = 3000; // waited out a Retry-After, then sent
      onSend?.();
      clock = 3100; // answered 100 ms later
      return answer(10, T0);
    });
    await store.refresh();
    expect(shown()).toBeCloseTo(10.05, 3); // half of 100 ms back, not half of 3.1 s
    expect(progress).toHaveBeenCalledOnce();
  });

  it('follows a sale down at once, however small', () => {
    store.acceptProgress(answer(10, T0), 0, 0);
    clock = 1000;
    store.acceptAction({ user: answer(10.5, T0 + 1000).user }, { energyChanged: true }); // sold 0.5
    expect(shown()).toBeCloseTo(10.5, 3);
  });
});

describe('GameStore polling', () => {
  let hidden = false;
  const listeners = new Set<() => void>();

  beforeEach(() => {
    vi.useFakeTimers();
    hidden = false;
    vi.stubGlobal('document', {
      get hidden() {
        return hidden;
      },
      addEventListener: (_: string, listener: () => void) => listeners.add(listener),
      removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
    });
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    listeners.clear();
  });

  it('asks at most once a second while visible and never while hidden', async () => {
    const store = new GameStore(() => Date.now());
    const progress = vi.spyOn(api, 'progress').mockImplementation(async () => answer(0, Date.now()));
    store.startPolling();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(progress.mock.calls.length).toBeGreaterThanOrEqual(10);
    expect(progress.mock.calls.length).toBeLessThanOrEqual(11);

    hidden = true;
    await vi.advanceTimersByTimeAsync(1000);
    const whileHidden = progress.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(progress.mock.calls.length).toBe(whileHidden);

    hidden = false;
    listeners.forEach((listener) => listener());
    await vi.advanceTimersByTimeAsync(100);
    expect(progress.mock.calls.length).toBe(whileHidden + 1);
    store.stopPolling();
  });

  it('waits a whole second after a poll that itself waited (a 429 retried inside it)', async () => {
    const store = new GameStore(() => Date.now());
    let calls = 0;
    const progress = vi.spyOn(api, 'progress').mockImplementation(async () => {
      calls += 1;
      if (calls === 2) await new Promise((resolve) => setTimeout(resolve, 2000)); // Retry-After, then sent again
      return answer(0, Date.now());
    });
    store.startPolling();
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 500); // the second poll ended at 3000 ms
    expect(progress.mock.calls.length).toBe(2); // not a third one back to back with the retry
    await vi.advanceTimersByTimeAsync(600);
    expect(progress.mock.calls.length).toBe(3);
    store.stopPolling();
  });

  it('polls again at once after an answer that may change every rate', async () => {
    const store = new GameStore(() => Date.now());
    const progress = vi.spyOn(api, 'progress').mockImplementation(async () => answer(0, Date.now()));
    store.startPolling();
    await vi.advanceTimersByTimeAsync(1500);
    const before = progress.mock.calls.length;
    store.acceptAction({ user: { ...template.user, production_bonus: 1, server_time_ms: Date.now() } });
    await vi.advanceTimersByTimeAsync(10);
    expect(progress.mock.calls.length).toBe(before + 1);
    store.stopPolling();
  });

  it('tells who waits for it once when the server answers again, not on every answer', async () => {
    const store = new GameStore(() => Date.now());
    let up = true;
    vi.spyOn(api, 'progress').mockImplementation(async () => {
      if (!up) throw new TypeError('offline');
      return answer(0, Date.now());
    });
    const recovered = vi.fn();
    store.onRecovered(recovered);
    store.startPolling();
    await vi.advanceTimersByTimeAsync(5000);
    expect(recovered).not.toHaveBeenCalled();
    up = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(recovered).not.toHaveBeenCalled();
    up = true;
    await vi.advanceTimersByTimeAsync(16_000);
    expect(recovered).toHaveBeenCalledOnce();
    store.stopPolling();
  });

  it('backs off while the server fails', async () => {
    const store = new GameStore(() => Date.now());
    const progress = vi.spyOn(api, 'progress').mockRejectedValue(new TypeError('offline'));
    store.startPolling();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(progress.mock.calls.length).toBeLessThanOrEqual(6); // 0, 2, 6, 14, 30 s
    store.stopPolling();
  });
});
