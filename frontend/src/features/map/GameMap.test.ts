import { describe, expect, it } from 'vitest';
import type { Generator } from '../../api/types';
import { nearestGenerator, slotCenters, worldWidth } from './GameMap';

describe('the map has a free tap slot for every generator the player may still place', () => {
  it('keeps the original 4000 px for the first slots', () => {
    expect(worldWidth(10)).toBe(4000);
    expect(slotCenters(worldWidth(10))).toHaveLength(20);
  });

  it('grows with the slots bought (a review found 8 of 28 slots unreachable by tap)', () => {
    for (const limit of [10, 19, 20, 28, 100, 1000]) {
      const slots = slotCenters(worldWidth(limit));
      // the worst case: each generator placed so that it covers a slot of its own
      expect(slots.length - (limit - 1)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('after a demolition the focus goes to the nearest generator left', () => {
  const at = (x: number) => ({ generator_id: `g${x}`, x_position: x }) as Generator;

  it('picks the closest on either side', () => {
    expect(nearestGenerator([at(100), at(700), at(420)], 500)?.generator_id).toBe('g420');
    expect(nearestGenerator([at(100), at(900)], 800)?.generator_id).toBe('g900');
  });

  it('finds none on an empty map (the map itself takes the focus)', () => {
    expect(nearestGenerator([], 300)).toBeUndefined();
  });
});
