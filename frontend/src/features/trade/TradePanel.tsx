// Sell 1–100 % of the energy for money, with the server's current rate and an estimate of the gain.
import { useState } from 'react';
import { ApiError, api } from '../../api/client';
import { useGame, usePanelResource, useProgress } from '../../app/context';
import { ErrorState, LoadingState, Price } from '../../app/ui';
import { type Wire, ZERO, fromWire, isZero, min, scale, toWire } from '../../game/bignum';
import { exchangeEstimate, sellAllAmount, sellAllNowAmount, userProduction } from '../../game/costs';
import { formatBig } from '../../game/format';

const PRESETS = [10, 25, 50, 100];

export function TradePanel() {
  const { store, act, tutorial } = useGame();
  const { user } = useProgress();
  const [percent, setPercent] = useState(10);
  const [busy, setBusy] = useState(false);
  const [lastGain, setLastGain] = useState<string | null>(null);
  const rate = usePanelResource((signal) => api.rate(signal), 'rate');

  // the last answer's energy, never the extrapolated one: the server always holds at least that much
  const energy = fromWire(user.energy_data, user.energy_high);
  const amountWire = percent === 100 ? sellAllAmount(energy) : toWire(scale(energy, percent / 100));
  const amount = fromWire(amountWire.data, amountWire.high);
  const estimate = exchangeEstimate(user, amount);

  async function sell() {
    setBusy(true);
    const ok = await act(async () => {
      const exchange = (amount: Wire) => api.exchange({ user_id: user.user_id, amount_data: amount.data, amount_high: amount.high });
      let answer;
      if (percent === 100) {
        // all of it, the energy made since the last answer too; should the server hold less than this tab
        // thinks (a pause or demolition not yet heard of), all that the last answer showed
        const live = store.live();
        const shown = live?.energy ?? energy;
        const perSecond = live ? min(userProduction(live.progress.user), userProduction(user)) : ZERO;
        answer = await exchange(sellAllNowAmount(energy, shown, perSecond)).catch((error: unknown) => {
          if (error instanceof ApiError && error.detail === 'Not enough energy') return exchange(amountWire);
          throw error;
        });
      } else {
        answer = await exchange(amountWire);
      }
      store.acceptAction(answer, { energyChanged: true });
      setLastGain(formatBig(fromWire(answer.gained_data, answer.gained_high)));
    });
    setBusy(false);
    if (ok) {
      tutorial('energy-sold');
      rate.reload();
    }
  }

  return (
    <div className="trade">
      <h2>에너지 판매</h2>
      <div className="trade-rate">
        현재 교환 비율:{' '}
        {rate.status === 'ready' ? (
          <strong data-testid="rate">에너지 1 = {formatBig(fromWire(rate.data.rate_data, rate.data.rate_high))}원</strong>
        ) : rate.status === 'error' ? (
          <ErrorState error={rate.error} onRetry={rate.reload} />
        ) : (
          <LoadingState />
        )}
      </div>
      <label className="trade-slider">
        판매할 에너지: {percent}%
        <input type="range" min={1} max={100} step={1} value={percent} onChange={(e) => setPercent(Number(e.target.value))} aria-valuetext={`${percent}%`} />
      </label>
      <div className="segmented" role="group" aria-label="빠른 선택">
        {PRESETS.map((preset) => (
          <button key={preset} type="button" aria-pressed={percent === preset} onClick={() => setPercent(preset)}>
            {preset}%
          </button>
        ))}
      </div>
      <dl className="facts">
        <div>
          <dt>판매량</dt>
          <dd>{formatBig(amount)} 에너지</dd>
        </div>
        <div>
          <dt>예상 수익</dt>
          <dd>
            <Price value={estimate} />
          </dd>
        </div>
      </dl>
      <p className="hint">많이 팔수록 교환 비율이 조금씩 낮아집니다.</p>
      <button type="button" className="primary" onClick={sell} disabled={busy || isZero(amount)} data-testid="sell">
        {busy ? '판매 중…' : '판매'}
      </button>
      {isZero(amount) && <p className="state state-empty">팔 수 있는 에너지가 없습니다. 발전기를 가동해 에너지를 모으세요.</p>}
      {lastGain && (
        <p className="note" role="status">
          {lastGain}원을 벌었습니다.
        </p>
      )}
    </div>
  );
}
