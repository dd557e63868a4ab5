// The horizontally scrollable map. Generators are dropped here from the list (drag and drop), or, on touch
// screens and with the keyboard, placed on a free slot after choosing a type.
import { type DragEvent, useRef, useState } from 'react';
import { api, serverMessage } from '../../api/client';
import type { Generator } from '../../api/types';
import { useGame, useLive } from '../../app/context';
import { Meter } from '../../app/ui';
import { fromWire } from '../../game/bignum';
import { maxGenerators, shortOfMoney } from '../../game/costs';
import { formatSeconds } from '../../game/format';
import { STATUS_TEXT, remainingBuild, statusOf, typeId, typeOf } from '../generators/catalogue';
import { GeneratorIcon } from '../generators/GeneratorIcon';

const MIN_WORLD_WIDTH = 4000;
const SLOT_WIDTH = 200;
export const DRAG_TYPE = 'application/x-energy-generator';

interface Props {
  selectedId: string | null;
  onSelect: (generatorId: string | null) => void;
  placingTypeId: string | null;
  onPlaced: () => void;
}

/** The map grows with the slots bought, so that every generator the player may own has a free tap slot: a
 * generator covers at most one slot, so one slot more than the limit always leaves one free below it. */
export function worldWidth(maxGenerators: number): number {
  return Math.max(MIN_WORLD_WIDTH, (maxGenerators + 1) * SLOT_WIDTH);
}

export function slotCenters(width: number): number[] {
  return Array.from({ length: Math.floor(width / SLOT_WIDTH) }, (_, i) => i * SLOT_WIDTH + SLOT_WIDTH / 2);
}

/** The generator nearest to `x`, where one was just demolished: the focus goes there, not to the page's top. */
export function nearestGenerator(generators: readonly Generator[], x: number): Generator | undefined {
  const distance = (generator: Generator) => Math.abs(generator.x_position - x);
  return generators.reduce<Generator | undefined>((best, g) => (best === undefined || distance(g) < distance(best) ? g : best), undefined);
}

/** Focus on the map at `x` once the panel that had it is gone: the nearest generator, or the map itself. */
export function focusMapNear(generators: readonly Generator[], x: number): void {
  const nearest = nearestGenerator(generators, x);
  const selector = nearest ? `[data-generator-id="${CSS.escape(nearest.generator_id)}"]` : '.map-viewport';
  document.querySelector<HTMLElement>(selector)?.focus();
}

function freeX(generators: readonly Generator[], wanted: number, width: number): number {
  const taken = new Set(generators.map((g) => g.x_position));
  let x = Math.round(Math.min(width, Math.max(0, wanted)));
  while (taken.has(x)) x += 1; // the server refuses only an exactly equal position
  return x;
}

export function GameMap({ selectedId, onSelect, placingTypeId, onPlaced }: Props) {
  const { store, types, act, notify, tutorial } = useGame();
  const { progress } = useLive();
  const { user, generators } = progress;
  const world = useRef<HTMLDivElement>(null);
  const [dropping, setDropping] = useState(false);
  const [busy, setBusy] = useState(false);
  const width = worldWidth(maxGenerators(user));

  const full = generators.length >= maxGenerators(user);

  async function place(generatorTypeId: string, wantedX: number) {
    if (full) {
      notify(`발전기는 최대 ${maxGenerators(user)}개까지 설치할 수 있습니다. 업그레이드로 늘려 보세요.`, 'error');
      return;
    }
    const type = types.find((t) => typeId(t) === generatorTypeId);
    if (type && shortOfMoney(user, fromWire(type.cost_data, type.cost_high))) {
      notify(serverMessage('Not enough money'), 'error'); // what the server would answer, without asking it
      return;
    }
    setBusy(true);
    // the slot's button goes away with the placing: focus moves to the new generator instead of the page's top
    const fromSlot = document.activeElement?.classList.contains('map-slot') ?? false;
    const placed = await act(async () => {
      const answer = await api.place({ user_id: user.user_id, generator_type_id: generatorTypeId, x_position: freeX(generators, wantedX, width), world_position: 0 });
      store.acceptAction(answer, { generator: answer.generator });
      const id = answer.generator.generator_id;
      onSelect(id);
      if (fromSlot) {
        requestAnimationFrame(() => world.current?.querySelector<HTMLElement>(`[data-generator-id="${CSS.escape(id)}"]`)?.focus({ preventScroll: true }));
      }
    }, '발전기 건설을 시작했습니다.');
    setBusy(false);
    if (placed) {
      tutorial('generator-placed');
      onPlaced();
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDropping(false);
    const id = event.dataTransfer.getData(DRAG_TYPE);
    const rect = world.current?.getBoundingClientRect();
    if (!id || !rect) return;
    void place(id, event.clientX - rect.left);
  }

  function onDragOver(event: DragEvent) {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  }

  const freeSlots = full ? [] : slotCenters(width).filter((x) => !generators.some((g) => Math.abs(g.x_position - x) < SLOT_WIDTH / 2));
  const placingType = types.find((t) => typeId(t) === placingTypeId);

  return (
    <section className="map" aria-label="발전소 지도">
      {placingType && (
        <p className="map-hint" role="status">
          {full ? (
            <>발전기는 최대 {maxGenerators(user)}개까지 설치할 수 있습니다. 업그레이드 탭의 &lsquo;발전기 최대 개수&rsquo;로 늘려 보세요. (Esc: 취소)</>
          ) : (
            <>
              <strong>{placingType.name}</strong> — 지도의 빈 자리(+)를 눌러 설치하세요. (Esc: 취소)
            </>
          )}
        </p>
      )}
      <div className="map-viewport" tabIndex={0} aria-label="지도 (좌우로 스크롤)" onScroll={() => tutorial('map-scrolled')}>
        <div
          className={`map-world${dropping ? ' map-dropping' : ''}`}
          ref={world}
          style={{ width }}
          onDragOver={onDragOver}
          onDragLeave={() => setDropping(false)}
          onDrop={onDrop}
          data-testid="map"
        >
          {generators.length === 0 && !placingType && (
            <p className="map-empty">발전기가 없습니다. 아래 발전기 목록에서 끌어다 놓거나, 발전기를 고른 뒤 빈 자리를 누르세요.</p>
          )}
          {placingTypeId &&
            freeSlots.map((x, i) => (
              <button
                key={x}
                type="button"
                className="map-slot"
                style={{ left: x }}
                disabled={busy}
                aria-label={`${i + 1}번 빈 자리에 설치`}
                onClick={() => void place(placingTypeId, x)}
              >
                +
              </button>
            ))}
          {generators.map((generator) => (
            <MapGenerator
              key={generator.generator_id}
              generator={generator}
              serverTimeMs={progress.server_time_ms}
              selected={generator.generator_id === selectedId}
              onSelect={() => {
                onSelect(generator.generator_id === selectedId ? null : generator.generator_id);
                tutorial('generator-selected');
              }}
            />
          ))}
        </div>
      </div>
    </section>
  );
}

interface MapGeneratorProps {
  generator: Generator;
  serverTimeMs: number;
  selected: boolean;
  onSelect: () => void;
}

function MapGenerator({ generator, serverTimeMs, selected, onSelect }: MapGeneratorProps) {
  const { types } = useGame();
  const type = typeOf(types, generator);
  const status = statusOf(generator);
  const remaining = remainingBuild(generator, serverTimeMs);
  const total = Math.max(1, generator.build_total_seconds || remaining);
  const width = Math.min(120, Math.max(56, (type?.size ?? 2) * 22));

  return (
    <button
      type="button"
      className={`map-generator status-${status}${selected ? ' selected' : ''}`}
      style={{ left: generator.x_position, width }}
      onClick={onSelect}
      aria-pressed={selected}
      aria-label={`${generator.type}, ${STATUS_TEXT[status]}`}
      data-testid="map-generator"
      data-generator-id={generator.generator_id}
      data-status={status}
    >
      <GeneratorIcon index={type?.index ?? 0} size={Math.min(56, width - 8)} />
      <span className="map-generator-name">{generator.type}</span>
      <span className="map-generator-status">
        {STATUS_TEXT[status]}
        {generator.isdeveloping && ` ${formatSeconds(remaining)}`}
      </span>
      {generator.isdeveloping ? (
        <Meter tone="build" value={total - remaining} max={total} label="건설 진행도" />
      ) : (
        <Meter tone="heat" value={generator.heat} max={generator.heat_limit} label="발열" />
      )}
    </button>
  );
}
