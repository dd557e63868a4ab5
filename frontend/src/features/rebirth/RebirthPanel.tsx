// Rebirth: reset generators and upgrades for a doubled production and exchange rate, several at once with a chain.
import { useState } from 'react';
import { api } from '../../api/client';
import { useGame, usePanelResource, useProgress } from '../../app/context';
import { ErrorState, LoadingState, Price } from '../../app/ui';
import { fromWire, pow2 } from '../../game/bignum';
import { rebirthCost, shortOfMoney } from '../../game/costs';
import { formatBig, formatCount } from '../../game/format';

export function RebirthPanel() {
  const { store, act } = useGame();
  const { user } = useProgress();
  const info = usePanelResource((signal) => api.rebirthInfo(signal), `rebirth-${user.rebirth_count}-${user.rebirth_chain_upgrade}-${user.rebirth_start_money_upgrade}`);
  const [chain, setChain] = useState(1);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  if (info.status === 'error' && !info.data) return <ErrorState error={info.error} onRetry={info.reload} />;
  if (!info.data) return <LoadingState />;

  const maxChain = info.data.max_chain;
  const count = Math.min(chain, maxChain);
  const price = rebirthCost(user.rebirth_count + count - 1); // only the last step's price is required
  const startMoney = fromWire(info.data.start_money_data, info.data.start_money_high);
  const short = shortOfMoney(user, price);

  async function rebirth() {
    setBusy(true);
    const ok = await act(async () => {
      const answer = await api.rebirth(count);
      store.acceptAction(answer, { energyChanged: true }); // asks for the new map (every generator is gone) at once
    }, `환생했습니다! 생산 배수 ×${formatBig(pow2(user.rebirth_count + count))}`);
    setBusy(false);
    setConfirming(false);
    if (ok) setChain(1);
  }

  return (
    <div className="rebirth">
      <h2>환생</h2>
      <p>
        환생하면 발전기, 업그레이드, 에너지와 돈이 초기화되는 대신 생산량과 교환 비율이 환생 1회마다 2배가 됩니다. 환생 업그레이드, 슈퍼코인과 특수
        업그레이드는 유지됩니다.
      </p>
      <dl className="facts">
        <div>
          <dt>보유 환생</dt>
          <dd data-testid="rebirth-count">{formatCount(user.rebirth_count)}</dd>
        </div>
        <div>
          <dt>현재 배수</dt>
          <dd>×{formatBig(pow2(user.rebirth_count))}</dd>
        </div>
        <div>
          <dt>환생 후 배수</dt>
          <dd>×{formatBig(pow2(user.rebirth_count + count))}</dd>
        </div>
        <div>
          <dt>필요한 돈</dt>
          <dd>
            <Price value={price} />
          </dd>
        </div>
        <div>
          <dt>환생 후 시작 돈</dt>
          <dd>
            <Price value={startMoney} />
          </dd>
        </div>
      </dl>
      {maxChain > 1 && (
        <label className="trade-slider">
          연속 환생: {count}회 (최대 {formatCount(maxChain)}회)
          <input type="range" min={1} max={maxChain} value={count} onChange={(e) => setChain(Number(e.target.value))} />
        </label>
      )}
      {confirming ? (
        <div className="actions">
          <button type="button" className="danger" onClick={rebirth} disabled={busy}>
            {busy ? '환생 중…' : `정말 ${count}회 환생하기`}
          </button>
          <button type="button" className="ghost" onClick={() => setConfirming(false)}>
            취소
          </button>
        </div>
      ) : (
        <button type="button" className="primary" onClick={() => setConfirming(true)} disabled={short}>
          환생
        </button>
      )}
      {short && <p className="hint">돈이 부족합니다.</p>}
    </div>
  );
}
