// Admins change a generator type's numbers (PATCH /admin/generator_types/{index}); players see them on their
// next answer.
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import type { GeneratorType, GeneratorTypePatch } from '../../api/types';
import { useGame } from '../../app/context';
import { formatWire } from '../../game/format';

type Fields = Required<GeneratorTypePatch>;

function fieldsOf(type: GeneratorType): Fields {
  return {
    description: type.description,
    cost_data: type.cost_data,
    cost_high: type.cost_high,
    energy_data: type.energy_data,
    energy_high: type.energy_high,
    install_seconds: type.install_seconds,
    heat: type.heat ?? 0,
    tolerance: type.tolerance ?? 0,
  };
}

const NUMBERS: { key: Exclude<keyof Fields, 'description'>; label: string; step?: string }[] = [
  { key: 'cost_data', label: '가격 data' },
  { key: 'cost_high', label: '가격 high' },
  { key: 'energy_data', label: '생산량 data' },
  { key: 'energy_high', label: '생산량 high' },
  { key: 'install_seconds', label: '건설 시간(초)' },
  { key: 'heat', label: '발열/초', step: 'any' },
  { key: 'tolerance', label: '내열 한계', step: 'any' },
];

export function CatalogueEditor() {
  const { types, act, reloadTypes } = useGame();
  const [index, setIndex] = useState(0);
  const type = types.find((t) => t.index === index) ?? types[0];
  if (!type) return null;
  return (
    <section className="catalogue-editor">
      <h2>발전기 수치 편집</h2>
      <label>
        발전기
        <select value={type.index} onChange={(e) => setIndex(Number(e.target.value))}>
          {types.map((t) => (
            <option key={t.index} value={t.index}>
              {t.index + 1}. {t.name}
            </option>
          ))}
        </select>
      </label>
      <TypeForm key={`${type.index}-${type.cost_data}-${type.cost_high}-${type.energy_data}-${type.install_seconds}`} type={type} onSave={(patch) => act(() => api.editGeneratorType(type.index, patch).then(reloadTypes), '저장했습니다.')} />
    </section>
  );
}

function TypeForm({ type, onSave }: { type: GeneratorType; onSave: (patch: GeneratorTypePatch) => Promise<boolean> }) {
  const [fields, setFields] = useState<Fields>(() => fieldsOf(type));
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const original = fieldsOf(type);
    const patch = Object.fromEntries(Object.entries(fields).filter(([key, value]) => original[key as keyof Fields] !== value));
    setBusy(true);
    await onSave(patch as GeneratorTypePatch);
    setBusy(false);
  }

  return (
    <form onSubmit={submit} className="editor-form">
      <p className="hint">
        가격 {formatWire(fields.cost_data, fields.cost_high)}원 · 생산량 {formatWire(fields.energy_data, fields.energy_high)}/초 (값 = data × 10^(high − 3))
      </p>
      <div className="editor-grid">
        {NUMBERS.map(({ key, label, step }) => (
          <label key={key}>
            {label}
            <input type="number" min={0} step={step ?? 1} value={fields[key]} onChange={(e) => setFields({ ...fields, [key]: Number(e.target.value) })} required />
          </label>
        ))}
      </div>
      <label>
        설명
        <textarea rows={2} maxLength={500} value={fields.description} onChange={(e) => setFields({ ...fields, description: e.target.value })} />
      </label>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? '저장 중…' : '저장'}
      </button>
    </form>
  );
}
