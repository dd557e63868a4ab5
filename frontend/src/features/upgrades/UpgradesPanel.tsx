// Global upgrades (paid with money) and rebirth upgrades (paid with rebirths), one level or as many as affordable.
import { useState } from 'react';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { useGame, useProgress } from '../../app/context';
import { Price, PricedButton } from '../../app/ui';
import {
  GLOBAL_UPGRADES,
  type GlobalUpgrade,
  REBIRTH_UPGRADES,
  type RebirthUpgrade,
  canAfford,
  globalUpgradeCost,
  maxAffordable,
  rebirthUpgradeCost,
  shortOfMoney,
} from '../../game/costs';
import { formatCount } from '../../game/format';

const SERVER_AMOUNT_LIMIT = 10_000;

function batchLimit(user: User): number {
  return Math.min(SERVER_AMOUNT_LIMIT, 1 + user.upgrade_batch_upgrade);
}

export function UpgradesPanel() {
  const { user } = useProgress();
  return (
    <div className="upgrades">
      <h2>업그레이드</h2>
      <p className="hint">한 번에 최대 {formatCount(batchLimit(user))}레벨까지 살 수 있습니다.</p>
      <ul className="card-list">
        {GLOBAL_UPGRADES.map((upgrade) => (
          <GlobalUpgradeCard key={upgrade.key} upgrade={upgrade} user={user} />
        ))}
      </ul>
      <h2>환생 업그레이드</h2>
      <p className="hint">환생 횟수로 구매합니다. 구매하면 환생 횟수가 줄어 생산 배수도 줄어듭니다. 보유 환생: {formatCount(user.rebirth_count)}</p>
      <ul className="card-list">
        {REBIRTH_UPGRADES.map((upgrade) => (
          <RebirthUpgradeCard key={upgrade.key} upgrade={upgrade} user={user} />
        ))}
      </ul>
    </div>
  );
}

function useBuy() {
  const { store, act } = useGame();
  const [busy, setBusy] = useState(false);
  async function buy(request: () => Promise<{ user: User }>, success: string) {
    setBusy(true);
    const ok = await act(async () => store.acceptAction(await request()), success);
    setBusy(false);
    return ok;
  }
  return { busy, buy };
}

function GlobalUpgradeCard({ upgrade, user }: { upgrade: GlobalUpgrade; user: User }) {
  const { tutorial } = useGame();
  const { busy, buy } = useBuy();
  const level = Number(user[upgrade.field]);
  const price = globalUpgradeCost(upgrade, level, 1);
  const most = maxAffordable(batchLimit(user), (n) => canAfford(user, globalUpgradeCost(upgrade, level, n)));

  async function purchase(amount: number) {
    const ok = await buy(() => api.upgradeGlobal(upgrade.key, amount), `${upgrade.name} +${amount}`);
    if (ok && upgrade.key === 'production') tutorial('global-production-bought');
  }

  return (
    <li className="card" data-testid={`upgrade-${upgrade.key}`}>
      <div className="card-main">
        <h3>
          {upgrade.name} <span className="level">Lv.{formatCount(level)}</span>
        </h3>
        <p className="effect">{upgrade.effect}</p>
      </div>
      <div className="card-actions">
        <PricedButton onClick={() => void purchase(1)} disabled={busy} short={shortOfMoney(user, price)}>
          구매 <Price value={price} />
        </PricedButton>
        <button type="button" onClick={() => void purchase(most)} disabled={busy || most < 1}>
          최대 구매{most > 0 && ` ×${formatCount(most)} `}
          {most > 0 && <Price value={globalUpgradeCost(upgrade, level, most)} />}
        </button>
      </div>
    </li>
  );
}

function RebirthUpgradeCard({ upgrade, user }: { upgrade: RebirthUpgrade; user: User }) {
  const { busy, buy } = useBuy();
  const level = Number(user[upgrade.field]);
  const price = rebirthUpgradeCost(upgrade, level, 1);
  const most = maxAffordable(SERVER_AMOUNT_LIMIT, (n) => rebirthUpgradeCost(upgrade, level, n) <= user.rebirth_count);
  const purchase = (amount: number) => void buy(() => api.upgradeRebirth(upgrade.key, amount), `${upgrade.name} +${amount}`);

  return (
    <li className="card">
      <div className="card-main">
        <h3>
          {upgrade.name} <span className="level">Lv.{formatCount(level)}</span>
        </h3>
        <p className="effect">{upgrade.effect}</p>
      </div>
      <div className="card-actions">
        <PricedButton onClick={() => purchase(1)} disabled={busy} short={price > user.rebirth_count} reason="환생이 부족합니다.">
          구매 (환생 {formatCount(price)})
        </PricedButton>
        <button type="button" onClick={() => purchase(most)} disabled={busy || most < 1}>
          최대 구매{most > 0 && ` ×${formatCount(most)} (환생 ${formatCount(rebirthUpgradeCost(upgrade, level, most))})`}
        </button>
      </div>
    </li>
  );
}
