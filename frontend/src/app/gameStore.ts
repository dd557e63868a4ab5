// The client's copy of the server's answer and the clock that moves it forward. The server is the truth: every
// answer replaces the copy; between answers the rules of docs/api.md extrapolate it for display only.
import { api } from '../api/client';
import type { Generator, Progress, ProgressAnswer, User, WithUser } from '../api/types';
import { type Big, ZERO, compare, fromWire, max, subtract, toWire } from '../game/bignum';
import { userProduction } from '../game/costs';
import { advanceProgress } from '../game/simulation';

export const POLL_INTERVAL_MS = 1000;

interface Anchor {
  progress: Progress;
  /** performance.now() at which progress.server_time_ms was the server's present */
  clientTime: number;
}

/** A hold keeps the shown energy from going backwards when an answer is a little behind what was shown. */
interface Hold {
  energy: Big;
}

export interface LiveView {
  progress: Progress;
  energy: Big;
}

type Listener = () => void;

function answerTime(answer: { server_time_ms?: number; user?: User }): number | undefined {
  return answer.server_time_ms ?? answer.user?.server_time_ms;
}

export class GameStore {
  private anchor: Anchor | null = null;
  private hold: Hold | null = null;
  private listeners = new Set<Listener>();
  private recoveryListeners = new Set<Listener>();
  private version = 0;
  private polling = false;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private pollAbort: AbortController | null = null;
  private failures = 0;
  /** The last poll's round trip: an action's answer was the server's present half of it before it arrived. */
  private rttMs = 0;
  private pollAgain = false;
  private readonly now: () => number;
  lastError: unknown = null;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** Called when a poll succeeds after failing: the server answers again, so a panel's error is worth a retry. */
  onRecovered = (listener: Listener): (() => void) => {
    this.recoveryListeners.add(listener);
    return () => this.recoveryListeners.delete(listener);
  };

  private emit(): void {
    this.version += 1;
    this.listeners.forEach((listener) => listener());
  }

  get loaded(): boolean {
    return this.anchor !== null;
  }

  get progress(): Progress | null {
    return this.anchor?.progress ?? null;
  }

  /** The state extrapolated to the present, energy held so it never jumps back by more than a second's production. */
  live(at: number = this.now()): LiveView | null {
    if (!this.anchor) return null;
    const progress = advanceProgress(this.anchor.progress, (at - this.anchor.clientTime) / 1000);
    let energy = fromWire(progress.user.energy_data, progress.user.energy_high);
    if (this.hold) {
      if (compare(this.hold.energy, energy) > 0) energy = this.hold.energy;
      else this.hold = null;
    }
    return { progress, energy };
  }

  /** A full GET /progress answer, received `rttMs` after it was asked for. */
  acceptProgress(progress: ProgressAnswer | Progress, receivedAt: number, rttMs: number): void {
    const time = answerTime(progress);
    const normalized: Progress = { ...progress, server_time_ms: time ?? Date.now() };
    if (this.anchor && normalized.server_time_ms < this.anchor.progress.server_time_ms) return; // older than what we show
    this.rttMs = rttMs;
    this.replaceAnchor(normalized, receivedAt - rttMs / 2, receivedAt, true);
  }

  /** Show `progress` as the server's state at `clientTime`; `hold`: keep the shown energy if it is a little ahead. */
  private replaceAnchor(progress: Progress, clientTime: number, receivedAt: number, hold: boolean): void {
    const shown = hold ? this.live(receivedAt) : null;
    this.anchor = { progress, clientTime };
    this.hold = null;
    this.hold = shown ? this.holdFor(shown.energy, receivedAt) : null;
    this.emit();
  }

  private holdFor(shown: Big, at: number): Hold | null {
    const target = this.live(at);
    if (!target) return null;
    const ahead = subtract(shown, target.energy);
    if (compare(ahead, ZERO) <= 0) return null;
    const perSecond = userProduction(target.progress.user);
    // the wire carries six digits: a difference below its last digit is rounding, not news
    const wireUnit = fromWire(1, toWire(target.energy).high);
    // within one second's production: hold the number still until the truth catches up; beyond it the truth changed
    return compare(ahead, max(perSecond, wireUnit)) <= 0 ? { energy: shown } : null;
  }

  /**
   * An action's answer: its user replaces ours, its generator replaces or joins the list. `energyChanged`: the action
   * itself took energy (a sale, a rebirth), so the shown energy follows it down instead of being held.
   */
  acceptAction(answer: WithUser, change: { generator?: Generator; removedId?: string; energyChanged?: boolean } = {}): void {
    if (!this.anchor) return;
    const receivedAt = this.now();
    const stamped = answerTime(answer);
    const time = stamped ?? this.anchor.progress.server_time_ms + (receivedAt - this.anchor.clientTime);
    const advanced = advanceProgress(this.anchor.progress, (time - this.anchor.progress.server_time_ms) / 1000);
    let generators = advanced.generators.filter((g) => g.generator_id !== change.removedId);
    if (change.generator) {
      const updated = change.generator;
      const exists = generators.some((g) => g.generator_id === updated.generator_id);
      generators = exists ? generators.map((g) => (g.generator_id === updated.generator_id ? updated : g)) : [...generators, updated];
    }
    const user = { ...advanced.user, ...answer.user };
    // a stamped answer was the server's present half a round trip before it arrived (as a poll's answer)
    const clientTime = stamped === undefined ? receivedAt : receivedAt - this.rttMs / 2;
    this.replaceAnchor({ ...advanced, server_time_ms: time, user, generators }, clientTime, receivedAt, !change.energyChanged);
    // an answer without generators may have changed every generator's rates (global upgrades, specials)
    if (!change.generator && !change.removedId) this.requestPoll();
  }

  /** Poll now instead of waiting for the next second; an answer already on its way predates the change. */
  requestPoll(): void {
    if (!this.polling) return;
    if (this.pollAbort) this.pollAgain = true;
    else this.schedule(0);
  }

  /** Fields of the user changed without a fresh clock (e.g. a supercoin count). */
  patchUser(patch: Partial<User>): void {
    if (!this.anchor) return;
    const progress = this.anchor.progress;
    this.anchor = { ...this.anchor, progress: { ...progress, user: { ...progress.user, ...patch } } };
    this.emit();
  }

  async refresh(signal?: AbortSignal): Promise<void> {
    // the round trip of the attempt that was answered, not of any Retry-After wait or refresh before it
    let sentAt = this.now();
    const progress = await api.progress(signal, () => {
      sentAt = this.now();
    });
    const receivedAt = this.now();
    this.acceptProgress(progress, receivedAt, receivedAt - sentAt);
  }

  /** Polls GET /progress at most once a second while the page is visible, never while it is hidden. */
  startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    document.addEventListener('visibilitychange', this.onVisibility);
    this.schedule(0);
  }

  stopPolling(): void {
    this.polling = false;
    document.removeEventListener('visibilitychange', this.onVisibility);
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.pollAbort?.abort();
    this.pollAbort = null;
  }

  reset(): void {
    this.stopPolling();
    this.anchor = null;
    this.hold = null;
    this.lastError = null;
    this.emit();
  }

  private onVisibility = (): void => {
    if (!document.hidden && this.polling && !this.pollTimer && !this.pollAbort) this.schedule(0);
  };

  private schedule(delayMs: number): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.pollOnce();
    }, delayMs);
  }

  private async pollOnce(): Promise<void> {
    if (!this.polling || document.hidden) return; // resumed by visibilitychange
    const started = this.now();
    this.pollAbort = new AbortController();
    try {
      await this.refresh(this.pollAbort.signal);
      const recovered = this.failures > 0;
      this.lastError = null;
      this.failures = 0;
      if (recovered) this.recoveryListeners.forEach((listener) => listener());
    } catch (error) {
      if (!this.polling) return;
      this.lastError = error;
      this.failures += 1;
      this.emit();
    } finally {
      this.pollAbort = null;
    }
    if (!this.polling) return;
    if (this.pollAgain && !this.lastError) {
      this.pollAgain = false;
      return this.schedule(0);
    }
    // the next request starts no sooner than a second after this one started; failures back off up to 16 s. A
    // poll that took longer (it waited out a 429's Retry-After and sent again) counts from its end, so the retry
    // and the next poll are not back to back.
    const interval = POLL_INTERVAL_MS * 2 ** Math.min(this.failures, 4);
    const elapsed = this.now() - started;
    this.schedule(elapsed >= interval ? interval : interval - elapsed);
  }
}
