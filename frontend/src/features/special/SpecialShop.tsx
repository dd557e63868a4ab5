// The supercoin shop: each level costs one supercoin.
import { useState } from 'react';
import { api } from '../../api/client';
import type { SpecialKey } from '../../api/types';
import { useGame, useProgress } from '../../app/context';
import { SPECIAL_ITEMS } from '../../game/costs';
import { formatCount } from '../../game/format';

export function SpecialShop() {
  const { store, act } = useGame();
  const { user } = useProgress();
  const [busy, setBusy] = useState<SpecialKey | null>(null);

  async function buy(key: SpecialKey, name: string) {
    setBusy(key);
    await act(async () => store.acceptAction(await api.special(key)), `${name} 레벨이 올랐습니다.`);
    setBusy(null);
  }

  return (
    <div className="special">
      <h2>특수 상점</h2>
      <p>
        보유 슈퍼코인: <strong>{formatCount(user.supercoin)}</strong>개. 슈퍼코인은 발전기가 가동되는 동안 드물게 얻거나, 채택된 문의로 받을 수 있습니다.
      </p>
      <ul className="card-list">
        {SPECIAL_ITEMS.map((item) => {
          const level = Number(user[item.field]);
          const maxed = item.maxLevel !== null && level >= item.maxLevel;
          return (
            <li className="card" key={item.key}>
              <div className="card-main">
                <h3>
                  {item.name} <span className="level">Lv.{formatCount(level)}{item.maxLevel !== null && `/${item.maxLevel}`}</span>
                </h3>
                <p className="effect">{item.effect}</p>
              </div>
              <div className="card-actions">
                <button type="button" onClick={() => void buy(item.key, item.name)} disabled={busy !== null || maxed || user.supercoin < 1}>
                  {maxed ? '최대 레벨' : '구매 (슈퍼코인 1)'}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {user.supercoin < 1 && <p className="state state-empty">슈퍼코인이 없습니다.</p>}
    </div>
  );
}
