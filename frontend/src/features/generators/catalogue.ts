import type { Generator, GeneratorType } from '../../api/types';

export function typeOf(types: readonly GeneratorType[], generator: Generator): GeneratorType | undefined {
  return types.find((t) => t.id === generator.generator_type_id || t.generator_type_id === generator.generator_type_id) ?? types.find((t) => t.name === generator.type);
}

export function typeId(type: GeneratorType): string {
  return type.id ?? type.generator_type_id ?? '';
}

export type GeneratorStatus = 'building' | 'rebuilding' | 'running' | 'paused';

export function statusOf(generator: Generator): GeneratorStatus {
  if (generator.isdeveloping) return generator.exploded ? 'rebuilding' : 'building';
  return generator.running ? 'running' : 'paused';
}

export const STATUS_TEXT: Record<GeneratorStatus, string> = {
  building: '건설 중',
  rebuilding: '폭발! 재건 중',
  running: '가동 중',
  paused: '일시정지',
};

/** Seconds until the build or rebuild ends, at the live server time. */
export function remainingBuild(generator: Generator, serverTimeMs: number): number {
  if (!generator.isdeveloping || generator.build_complete_ts === null) return 0;
  return Math.max(0, generator.build_complete_ts - serverTimeMs / 1000);
}
