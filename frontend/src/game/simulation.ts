// Extrapolation of a server answer, following docs/api.md "Time and the server's truth": the same rules the server
// evaluates in closed form, so numbers can move every frame between polls.
import type { Generator, Progress, User } from '../api/types';
import { type Big, type Wire, ZERO, add, fromWire, scale, toWire } from './bignum';

export interface GeneratorSnapshot {
  generator_id: string;
  heat: number;
  running: boolean;
  isdeveloping: boolean;
  exploded: boolean;
}

export interface Extrapolation {
  energy: Wire;
  generators: GeneratorSnapshot[];
}

/** A generator's state `dt` seconds after the answer, and how many of those seconds it produced. */
interface Outcome {
  generator: Generator;
  producingSeconds: number;
}

function developingPhase(generator: Generator, start: number, end: number, heat: number): number {
  // a paused generator cools even while it is being built; a running one does not heat before it is built
  return generator.running ? heat : Math.max(0, heat - generator.cooling_rate * (end - start));
}

/** Runs a built generator from `start` to `end` (seconds after the answer); times are relative. */
function builtPhase(generator: Generator, start: number, end: number, serverSeconds: number): Outcome {
  const span = end - start;
  if (!generator.running) {
    const heat = Math.max(0, generator.heat - generator.cooling_rate * span);
    return { generator: { ...generator, heat }, producingSeconds: 0 };
  }
  const rate = generator.heat_rate;
  const limit = generator.heat_limit;
  // like the original, a generator only explodes when it heats and has a positive tolerance
  if (rate <= 0 || limit <= 0) return { generator: { ...generator, heat: generator.heat + rate * span }, producingSeconds: span };
  const rebuild = Math.max(1, generator.rebuild_seconds);
  const untilFirst = Math.max(0, (limit - generator.heat) / rate);
  if (start + untilFirst >= end) {
    return { generator: { ...generator, heat: generator.heat + rate * span }, producingSeconds: span };
  }
  // explodes at `explodedAt`, then cycles: rebuild, run from heat 0 until the limit, explode again
  const runFromCold = limit / rate;
  const cycle = runFromCold + rebuild;
  let explodedAt = start + untilFirst;
  let producing = untilFirst;
  const afterFirstRebuild = end - (explodedAt + rebuild);
  if (afterFirstRebuild > 0) {
    const fullCycles = Math.floor(afterFirstRebuild / cycle);
    explodedAt += fullCycles * cycle;
    producing += fullCycles * runFromCold;
    const runStart = explodedAt + rebuild;
    if (runStart + runFromCold < end) {
      explodedAt = runStart + runFromCold;
      producing += runFromCold;
    } else if (runStart < end) {
      const ran = end - runStart;
      return { generator: builtAgain(generator, rate * ran), producingSeconds: producing + ran };
    }
  }
  const rebuiltAt = explodedAt + rebuild;
  if (rebuiltAt <= end) {
    return { generator: builtAgain(generator, rate * (end - rebuiltAt)), producingSeconds: producing + end - rebuiltAt };
  }
  const rebuilding: Generator = {
    ...generator,
    running: false, // the server shows a rebuilding generator as stopped
    heat: 0,
    isdeveloping: true,
    exploded: true,
    build_complete_ts: serverSeconds + rebuiltAt,
    build_total_seconds: rebuild,
  };
  return { generator: rebuilding, producingSeconds: producing };
}

/** A build or rebuild is over: the generator runs (as the original server completed builds), paused or not. */
function builtAgain(generator: Generator, heat: number): Generator {
  return { ...generator, heat, running: true, isdeveloping: false, exploded: false, build_complete_ts: null, build_total_seconds: 0 };
}

function advanceGenerator(generator: Generator, dt: number, serverSeconds: number): Outcome {
  if (!generator.isdeveloping || generator.build_complete_ts === null) {
    return builtPhase(generator, 0, dt, serverSeconds);
  }
  const buildEnds = Math.max(0, generator.build_complete_ts - serverSeconds);
  if (buildEnds > dt) {
    return { generator: { ...generator, heat: developingPhase(generator, 0, dt, generator.heat) }, producingSeconds: 0 };
  }
  const cooled = developingPhase(generator, 0, buildEnds, generator.heat);
  const built = builtAgain(generator, generator.exploded ? 0 : cooled);
  return builtPhase(built, buildEnds, dt, serverSeconds);
}

export function generatorProduction(generator: Generator): Big {
  return fromWire(generator.production_data, generator.production_high);
}

export function isProducing(generator: Generator): boolean {
  return generator.running && !generator.isdeveloping;
}

/** Energy per second of the generators that are running and built. */
export function totalProduction(generators: readonly Generator[]): Big {
  return generators.filter(isProducing).reduce((sum, g) => add(sum, generatorProduction(g)), ZERO);
}

/** The whole answer as the server would give it `dt` seconds later (dt ≥ 0). */
export function advanceProgress(progress: Progress, dt: number): Progress {
  const elapsed = Math.max(0, dt);
  const serverSeconds = progress.server_time_ms / 1000;
  let energy = fromWire(progress.user.energy_data, progress.user.energy_high);
  const generators = progress.generators.map((generator) => {
    const outcome = advanceGenerator(generator, elapsed, serverSeconds);
    energy = add(energy, scale(generatorProduction(generator), outcome.producingSeconds));
    return outcome.generator;
  });
  const serverTime = progress.server_time_ms + elapsed * 1000;
  const wireEnergy = toWire(energy);
  const production = toWire(totalProduction(generators));
  const user: User = {
    ...progress.user,
    energy_data: wireEnergy.data,
    energy_high: wireEnergy.high,
    production_data: production.data,
    production_high: production.high,
    server_time_ms: serverTime,
  };
  return { ...progress, server_time_ms: serverTime, user, generators };
}

/** Energy and generator states `dtSeconds` after a GET /progress answer (the test-vector contract). */
export function extrapolate(progress: Progress, dtSeconds: number): Extrapolation {
  const later = advanceProgress(progress, dtSeconds);
  return {
    energy: { data: later.user.energy_data, high: later.user.energy_high },
    generators: later.generators.map((g) => ({
      generator_id: g.generator_id,
      heat: g.heat,
      running: g.running,
      isdeveloping: g.isdeveloping,
      exploded: g.exploded,
    })),
  };
}
