import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { subscribeWaiting, waitingMs, waitingUntil } from '../api/client';
import { AccountMenu } from '../features/auth/AccountMenu';
import { fromWire } from '../game/bignum';
import { currentRate, maxGenerators, userProduction } from '../game/costs';
import { formatBig, formatCount } from '../game/format';
import { useGame, useLive } from './context';

export function Header() {
  const { store, tutorial } = useGame();
  const { progress, energy } = useLive();
  const { user, generators } = progress;
  const production = userProduction(user);
  const money = fromWire(user.money_data, user.money_high);
  const rate = currentRate(user);

  return (
    <header className="header">
      <div className="brand" aria-hidden="true">
        <svg width="18" height="18" viewBox="0 0 32 32">
          <path d="M18 3 7 18h7l-2 11 11-15h-7z" fill="currentColor" />
        </svg>
        <span className="brand-text">에너지 타이쿤</span>
      </div>
      <dl className="resources">
        {/* focusable, so that a keyboard player can do the tutorial's "hover" steps (5 and 6) too */}
        <div
          className="resource"
          title={`초당 생산량: ${formatBig(production)}`}
          tabIndex={0}
          data-testid="energy-resource"
          onMouseEnter={() => tutorial('energy-hovered')}
          onFocus={() => tutorial('energy-hovered')}
        >
          <dt>에너지</dt>
          <dd data-testid="energy">{formatBig(energy)}</dd>
          <dd className="sub" data-testid="production">
            +{formatBig(production)}/초
          </dd>
        </div>
        <div
          className="resource"
          title={`교환 비율: 에너지 1 = ${formatBig(rate)}원`}
          tabIndex={0}
          data-testid="money-resource"
          onMouseEnter={() => tutorial('money-hovered')}
          onFocus={() => tutorial('money-hovered')}
        >
          <dt>돈</dt>
          <dd data-testid="money">{formatBig(money)}원</dd>
          <dd className="sub">비율 ×{formatBig(rate)}</dd>
        </div>
        <div className="resource resource-small">
          <dt>발전기</dt>
          <dd>
            {generators.length}/{maxGenerators(user)}
          </dd>
        </div>
        <div className="resource resource-small">
          <dt>슈퍼코인</dt>
          <dd data-testid="supercoin">{formatCount(user.supercoin)}</dd>
        </div>
        <div className="resource resource-small">
          <dt>환생</dt>
          <dd>{formatCount(user.rebirth_count)}</dd>
        </div>
      </dl>
      <WaitingNotice />
      <ConnectionState error={store.lastError} />
      <AccountMenu />
    </header>
  );
}

function ConnectionState({ error }: { error: unknown }) {
  const [visible, setVisible] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    // a single failed poll is not worth a warning; a second in a row is
    if (error) timer.current = setTimeout(() => setVisible(true), 2500);
    else setVisible(false);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [error]);
  if (!error || !visible) return null;
  return (
    <p className="offline" role="alert">
      서버와 연결이 끊겼습니다. 다시 연결하는 중…
    </p>
  );
}

/** While the server's Retry-After holds every request back (a 429 or a busy 503), the player sees how long. */
function WaitingNotice() {
  const until = useSyncExternalStore(subscribeWaiting, waitingUntil);
  const [left, setLeft] = useState(waitingMs);
  useEffect(() => {
    setLeft(waitingMs());
    if (waitingMs() <= 0) return;
    const timer = setInterval(() => {
      setLeft(waitingMs());
      if (waitingMs() <= 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  const seconds = Math.ceil(left / 1000);
  if (seconds <= 0) return null;
  return (
    <p className="offline" role="status" data-testid="waiting">
      요청이 많아 {seconds}초 기다린 뒤 다시 보냅니다…
    </p>
  );
}
