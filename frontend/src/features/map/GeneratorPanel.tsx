// One placed generator: state, pause/resume, skip build, its three upgrades and demolition.
import { useState } from 'react';
import { api, serverMessage } from '../../api/client';
import type { Generator, UpgradeKey } from '../../api/types';
import { useGame, useLive } from '../../app/context';
import { Meter, Price, PricedButton } from '../../app/ui';
import { fromWire } from '../../game/bignum';
import { GENERATOR_UPGRADES, demolishFee, generatorUpgradeCost, shortOfMoney, skipCost, wholeSecondsLeft } from '../../game/costs';
import { formatBig, formatCount, formatRate, formatSeconds } from '../../game/format';
import { STATUS_TEXT, remainingBuild, statusOf, typeOf } from '../generators/catalogue';
import { GeneratorIcon } from '../generators/GeneratorIcon';
import { focusMapNear } from './GameMap';

interface Props {
  generatorId: string;
  onClose: () => void;
}

export function GeneratorPanel({ generatorId, onClose }: Props) {
  const { types } = useGame();
  const { progress } = useLive();
  const generator = progress.generators.find((g) => g.generator_id === generatorId);
  if (!generator) return null;
  const type = typeOf(types, generator);
  const status = statusOf(generator);

  return (
    <section className="generator-panel" aria-label={`${generator.type} 관리`} data-testid="generator-panel">
      <header className="panel-header">
        <GeneratorIcon index={type?.index ?? 0} size={44} />
        <div>
          <h2>{generator.type}</h2>
          <p className={`status-text status-${status}`}>{STATUS_TEXT[status]}</p>
        </div>
        <button type="button" className="ghost close" onClick={onClose} aria-label="닫기">
          ✕
        </button>
      </header>
      <GeneratorState generator={generator} serverTimeMs={progress.server_time_ms} />
      <GeneratorActions generator={generator} serverTimeMs={progress.server_time_ms} onDemolished={onClose} />
      <GeneratorUpgrades generator={generator} />
    </section>
  );
}

/** Heat per second now: a running generator heats only once built; a paused one cools, built or not, down to 0. */
function heatChange(generator: Generator): number {
  if (!generator.running) return generator.heat > 0 ? -generator.cooling_rate : 0;
  return generator.isdeveloping ? 0 : generator.heat_rate;
}

function GeneratorState({ generator, serverTimeMs }: { generator: Generator; serverTimeMs: number }) {
  const remaining = remainingBuild(generator, serverTimeMs);
  const total = Math.max(1, generator.build_total_seconds || remaining);
  return (
    <dl className="facts">
      <div>
        <dt>{generator.isdeveloping ? '생산량 (완성 후)' : '생산량'}</dt>
        <dd>{formatBig(fromWire(generator.production_data, generator.production_high))}/초</dd>
      </div>
      <div>
        <dt>발열</dt>
        <dd>
          {generator.heat.toFixed(1)} / {formatCount(generator.heat_limit)} ({formatRate(heatChange(generator))})
          <Meter tone="heat" value={generator.heat} max={generator.heat_limit} label="발열" />
        </dd>
      </div>
      {generator.isdeveloping && (
        <div>
          <dt>{generator.exploded ? '재건' : '건설'}</dt>
          <dd>
            남은 시간 {formatSeconds(remaining)}
            <Meter tone="build" value={total - remaining} max={total} label="건설 진행도" />
          </dd>
        </div>
      )}
    </dl>
  );
}

function GeneratorActions({ generator, serverTimeMs, onDemolished }: { generator: Generator; serverTimeMs: number; onDemolished: () => void }) {
  const { store, act } = useGame();
  const { user } = store.progress ?? { user: null };
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const installCost = fromWire(generator.cost_data, generator.cost_high);
  const remaining = remainingBuild(generator, serverTimeMs);
  const wholeLeft = generator.build_complete_ts === null ? 0 : wholeSecondsLeft(generator.build_complete_ts, serverTimeMs / 1000);
  const buildTotal = generator.build_total_seconds || remaining;
  const skipPrice = skipCost(installCost, wholeLeft, buildTotal);
  // the clock is extrapolated: short only if even a second less of the build (a lower price) is out of reach
  const skipShort = user !== null && shortOfMoney(user, skipCost(installCost, wholeLeft - 1, buildTotal));
  const fee = demolishFee(installCost);
  const feeShort = user !== null && shortOfMoney(user, fee);
  const feeReason = serverMessage('Not enough money to demolish');

  async function run(action: () => Promise<unknown>, success?: string) {
    setBusy(true);
    const ok = await act(action, success);
    setBusy(false);
    return ok;
  }

  const toggle = () =>
    run(async () => {
      const answer = await api.setRunning(generator.generator_id, !generator.running);
      store.acceptAction(answer, { generator: answer.generator });
    });

  const skip = () =>
    run(async () => {
      const answer = await api.skipBuild(generator.generator_id);
      store.acceptAction(answer, { generator: answer.generator });
    }, '건설을 즉시 완료했습니다.');

  async function demolish() {
    const ok = await run(async () => {
      const answer = await api.demolish(generator.generator_id);
      store.acceptAction(answer, { removedId: generator.generator_id });
    }, '발전기를 철거했습니다.');
    if (!ok) return;
    onDemolished();
    focusMapNear(store.progress?.generators ?? [], generator.x_position); // its button went with the panel
  }

  return (
    <div className="actions">
      {!generator.isdeveloping && (
        <button type="button" onClick={toggle} disabled={busy}>
          {generator.running ? '일시정지' : '가동'}
        </button>
      )}
      {generator.isdeveloping && remaining > 0 && (
        <PricedButton onClick={skip} disabled={busy} short={skipShort} reason={serverMessage('Not enough money to skip build')}>
          즉시 완성 <Price value={skipPrice} />
        </PricedButton>
      )}
      {confirming ? (
        <span className="confirm">
          <PricedButton className="danger" onClick={demolish} disabled={busy} short={feeShort} reason={feeReason}>
            철거 확인 (수수료 <Price value={fee} />)
          </PricedButton>
          <button type="button" className="ghost" onClick={() => setConfirming(false)}>
            취소
          </button>
        </span>
      ) : (
        <PricedButton className="danger-outline" onClick={() => setConfirming(true)} disabled={busy} short={feeShort} reason={feeReason}>
          철거 <Price value={fee} />
        </PricedButton>
      )}
    </div>
  );
}

function GeneratorUpgrades({ generator }: { generator: Generator }) {
  const { store, act, tutorial } = useGame();
  const [busy, setBusy] = useState<UpgradeKey | null>(null);
  const user = store.progress?.user;
  const installCost = fromWire(generator.cost_data, generator.cost_high);

  async function buy(key: UpgradeKey) {
    setBusy(key);
    const ok = await act(async () => {
      const answer = await api.upgradeGenerator(generator.generator_id, key, 1);
      store.acceptAction(answer, { generator: answer.generator });
    });
    setBusy(null);
    if (ok && key === 'production') tutorial('generator-production-bought');
  }

  return (
    <table className="upgrade-table">
      <caption>발전기 업그레이드</caption>
      <thead>
        <tr>
          <th scope="col">항목</th>
          <th scope="col">레벨</th>
          <th scope="col">가격</th>
          <th scope="col">
            <span className="visually-hidden">구매</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {GENERATOR_UPGRADES.map((upgrade) => {
          const level = generator.upgrades[upgrade.key] ?? 0;
          const price = generatorUpgradeCost(upgrade, installCost, level);
          return (
            <tr key={upgrade.key}>
              <th scope="row">
                {upgrade.name}
                <span className="effect">{upgrade.effect}</span>
              </th>
              <td>Lv.{level}</td>
              <td>
                <Price value={price} />
              </td>
              <td>
                <PricedButton
                  onClick={() => void buy(upgrade.key)}
                  disabled={busy !== null}
                  short={user !== undefined && shortOfMoney(user, price)}
                  aria-label={`${upgrade.name} 업그레이드 구매`}
                >
                  구매
                </PricedButton>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
