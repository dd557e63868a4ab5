// All 45 generator types with their prices. Drag one onto the map, or choose it and tap a free slot.
import type { DragEvent } from 'react';
import type { GeneratorType } from '../../api/types';
import { useGame, useProgress } from '../../app/context';
import { Price } from '../../app/ui';
import { fromWire } from '../../game/bignum';
import { buildSeconds, shortOfMoney } from '../../game/costs';
import { formatBig, formatCount, formatSeconds } from '../../game/format';
import { DRAG_TYPE } from '../map/GameMap';
import { typeId } from './catalogue';
import { GeneratorIcon } from './GeneratorIcon';

interface Props {
  placingTypeId: string | null;
  onChoose: (typeId: string | null) => void;
}

export function GeneratorList({ placingTypeId, onChoose }: Props) {
  const { types } = useGame();
  const { user } = useProgress();
  if (types.length === 0) return <p className="state state-empty">발전기 목록이 비어 있습니다.</p>;

  return (
    <>
      <p className="hint">발전기를 지도로 끌어다 놓거나, 눌러서 고른 뒤 지도의 빈 자리(+)를 누르세요.</p>
      <ul className="generator-list" aria-label="발전기 목록">
        {types.map((type) => (
          <GeneratorRow
            key={typeId(type)}
            type={type}
            affordable={!shortOfMoney(user, fromWire(type.cost_data, type.cost_high))}
            buildSpeed={user.build_speed_reduction}
            chosen={typeId(type) === placingTypeId}
            onChoose={() => onChoose(typeId(type) === placingTypeId ? null : typeId(type))}
          />
        ))}
      </ul>
    </>
  );
}

interface RowProps {
  type: GeneratorType;
  affordable: boolean;
  buildSpeed: number;
  chosen: boolean;
  onChoose: () => void;
}

function GeneratorRow({ type, affordable, buildSpeed, chosen, onChoose }: RowProps) {
  function onDragStart(event: DragEvent) {
    event.dataTransfer.setData(DRAG_TYPE, typeId(type));
    event.dataTransfer.setData('text/plain', type.name);
    event.dataTransfer.effectAllowed = 'copy';
  }

  return (
    <li>
      <button
        type="button"
        className={`generator-row${chosen ? ' chosen' : ''}${affordable ? '' : ' unaffordable'}`}
        draggable
        onDragStart={onDragStart}
        onClick={onChoose}
        aria-pressed={chosen}
        data-testid="generator-type"
        data-name={type.name}
        title={type.description}
      >
        <GeneratorIcon index={type.index} size={40} />
        <span className="generator-row-main">
          <span className="generator-row-name">
            {type.index + 1}. {type.name}
          </span>
          <span className="generator-row-facts">
            생산 {formatBig(fromWire(type.energy_data, type.energy_high))}/초 · 건설 {formatSeconds(buildSeconds(type.install_seconds, buildSpeed))}
            {type.heat !== undefined && ` · 발열 ${formatCount(type.heat)}/초`}
            {type.tolerance !== undefined && ` · 내열 ${formatCount(type.tolerance)}`}
          </span>
        </span>
        <span className="generator-row-price">
          <Price value={fromWire(type.cost_data, type.cost_high)} />
        </span>
      </button>
    </li>
  );
}
