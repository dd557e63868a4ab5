// Small shared pieces: loading, empty and error states, a resource hook, prices and the buttons that pay them.
import { type ButtonHTMLAttributes, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { describeError, serverMessage } from '../api/client';
import type { Big } from '../game/bignum';
import { formatBig } from '../game/format';

export function LoadingState({ label = '불러오는 중…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <span>{describeError(error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          다시 시도
        </button>
      )}
    </div>
  );
}

export type Resource<T> =
  | { status: 'loading'; data?: T; reload: () => void }
  | { status: 'error'; error: unknown; data?: T; reload: () => void }
  | { status: 'ready'; data: T; reload: () => void };

/** Loads once per change of `key`, keeping the previous data while reloading; aborts on unmount. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Resource<T> {
  const [state, setState] = useState<{ status: 'loading' | 'error' | 'ready'; data?: T; error?: unknown }>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ status: 'loading', data: previous.data }));
    loadRef
      .current(controller.signal)
      .then((data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ status: 'error', error, data: previous.data }));
      });
    return () => controller.abort();
  }, [key, generation]);

  if (state.status === 'ready') return { status: 'ready', data: state.data as T, reload };
  if (state.status === 'error') return { status: 'error', error: state.error, data: state.data, reload };
  return { status: 'loading', data: state.data, reload };
}

export function Price({ value, unit = '원' }: { value: Big; unit?: string }) {
  return (
    <span className="price">
      {formatBig(value)}
      {unit && <span className="price-unit">{unit}</span>}
    </span>
  );
}

interface PricedButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** the server would refuse for want of money (or rebirths): nothing is sent */
  short: boolean;
  /** why, as the server would say it */
  reason?: string;
}

/** A button that pays a price: off when the player is short, drawn dashed, its title (tooltip and accessible
 * description) saying why. */
export function PricedButton({ short, reason = serverMessage('Not enough money'), className, disabled, ...props }: PricedButtonProps) {
  const classes = [className, short && 'unaffordable'].filter(Boolean).join(' ');
  return <button type="button" {...props} className={classes || undefined} disabled={disabled || short} title={short ? reason : props.title} />;
}

export function Meter({ value, max, label, tone }: { value: number; max: number; label: string; tone: 'build' | 'heat' }) {
  const ratio = max > 0 ? Math.min(1, Math.max(0, value / max)) : 0;
  return (
    <div
      className={`meter meter-${tone}${tone === 'heat' && ratio > 0.8 ? ' meter-hot' : ''}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(ratio * 100)}
    >
      <div className="meter-fill" style={{ width: `${ratio * 100}%` }} />
    </div>
  );
}
