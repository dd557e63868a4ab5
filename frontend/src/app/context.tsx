// What every feature reads: the store with the server's answer, the generator catalogue, notifications, and
// `act`, the one way to run a player action (busy flag, answer applied, error shown).
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { describeError } from '../api/client';
import type { GeneratorType, Progress } from '../api/types';
import type { GameStore, LiveView } from './gameStore';
import { type Resource, useResource } from './ui';
import type { TutorialEvent } from '../features/tutorial/steps';

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export interface GameContextValue {
  store: GameStore;
  types: GeneratorType[];
  reloadTypes: () => void;
  notify: (text: string, tone?: Notice['tone']) => void;
  /** Runs an action; on failure shows the server's message. Resolves to whether it succeeded. */
  act: (action: () => Promise<unknown>, success?: string) => Promise<boolean>;
  tutorial: (event: TutorialEvent) => void;
  loggedOut: () => void;
}

export const GameContext = createContext<GameContextValue | null>(null);

export function useGame(): GameContextValue {
  const value = useContext(GameContext);
  if (!value) throw new Error('useGame outside GameContext');
  return value;
}

/** The last server answer (re-renders on every answer, not every frame). */
export function useProgress(): Progress {
  const { store } = useGame();
  useSyncExternalStore(store.subscribe, store.getVersion);
  const progress = store.progress;
  if (!progress) throw new Error('progress not loaded');
  return progress;
}

/** The state extrapolated to this animation frame. */
export function useLive(): LiveView {
  const { store } = useGame();
  useSyncExternalStore(store.subscribe, store.getVersion);
  const [, setFrame] = useState(0);
  useEffect(() => {
    let id = requestAnimationFrame(function tick() {
      setFrame((frame) => (frame + 1) % 1_000_000);
      id = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(id);
  }, []);
  const live = store.live();
  if (!live) throw new Error('progress not loaded');
  return live;
}

/** A panel's resource: in its error state it loads again by itself once the server answers the polls again (no
 * request more while all is well, none while the server is away). */
export function usePanelResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Resource<T> {
  const { store } = useGame();
  const resource = useResource(load, key);
  const { status, reload } = resource;
  useEffect(() => (status === 'error' ? store.onRecovered(reload) : undefined), [store, status, reload]);
  return resource;
}

export function errorText(error: unknown): string {
  return describeError(error);
}
