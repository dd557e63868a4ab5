// Drawn icons (the original's images are not ours to ship): a glyph by kind of plant, a colour by catalogue index.

type Glyph = 'leaf' | 'solar' | 'wind' | 'water' | 'wave' | 'flame' | 'cell' | 'atom' | 'sun' | 'star' | 'vortex';

const GLYPHS: Glyph[] = [
  'leaf', 'solar', 'wind', 'water', 'wind', 'solar', 'wave', 'wind', 'flame', 'leaf',
  'flame', 'wave', 'cell', 'flame', 'flame', 'flame', 'water', 'flame', 'flame', 'atom',
  'sun', 'star', 'star', 'atom',
];
const COSMIC: Glyph[] = ['vortex', 'atom', 'star'];

function glyphFor(index: number): Glyph {
  return GLYPHS[index] ?? COSMIC[index % COSMIC.length];
}

function Shape({ glyph }: { glyph: Glyph }) {
  switch (glyph) {
    case 'leaf':
      return <path d="M16 4C8 8 6 16 9 25c7 1 14-4 14-12 0-4-3-7-7-9zM9 25l8-11" />;
    case 'solar':
      return <path d="M5 14h22l-3 10H8zM10 14l-1 10M16 14v10M22 14l1 10M6 19h20M16 4v4M9 6l2 3M23 6l-2 3" />;
    case 'wind':
      return <path d="M16 14v14M16 14l-1-10 2 0zM16 14l9 5-1 2zM16 14l-9 5 1 2zM12 28h8" />;
    case 'water':
      return <path d="M16 4c-5 8-8 12-8 16a8 8 0 0016 0c0-4-3-8-8-16z" />;
    case 'wave':
      return <path d="M3 14c4-4 6-4 9 0s6 4 9 0 6-4 8 0M3 21c4-4 6-4 9 0s6 4 9 0 6-4 8 0" />;
    case 'flame':
      return <path d="M16 3c1 6 8 9 8 16a8 8 0 01-16 0c0-4 2-6 4-8 0 3 1 5 3 5-1-5-1-9 1-13z" />;
    case 'cell':
      return <path d="M9 8h14v20H9zM13 4h6v4M17 12l-4 7h6l-4 7" />;
    case 'atom':
      return <path d="M16 16m-2 0a2 2 0 104 0 2 2 0 10-4 0M4 16c0-3 5-6 12-6s12 3 12 6-5 6-12 6-12-3-12-6zM10 6c3-2 8 2 11 8s4 11 1 13-8-2-11-8-4-11-1-13zM22 6c3 2 2 7-1 13s-8 10-11 8-2-7 1-13 8-10 11-8z" />;
    case 'sun':
      return <path d="M16 16m-6 0a6 6 0 1012 0 6 6 0 10-12 0M16 2v5M16 25v5M2 16h5M25 16h5M6 6l3 3M23 23l3 3M6 26l3-3M23 9l3-3" />;
    case 'star':
      return <path d="M16 3l3.5 8.5L28 12l-6.5 6 2 9L16 22.5 8.5 27l2-9L4 12l8.5-.5z" />;
    case 'vortex':
      return <path d="M16 16c0-2 3-2 3 0s-4 4-6 1 1-8 6-7 7 7 3 11-12 4-13-3 5-13 12-12" />;
  }
}

export function GeneratorIcon({ index, size = 40 }: { index: number; size?: number }) {
  const hue = (index * 47 + 90) % 360;
  return (
    <svg className="generator-icon" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect x="0.5" y="0.5" width="31" height="31" rx="8" fill={`hsl(${hue} 55% 22%)`} stroke={`hsl(${hue} 70% 55%)`} />
      <g fill="none" stroke={`hsl(${hue} 90% 75%)`} strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
        <Shape glyph={glyphFor(index)} />
      </g>
    </svg>
  );
}
