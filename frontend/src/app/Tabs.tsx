import { type KeyboardEvent, type ReactNode, useRef } from 'react';
import type { TutorialEvent } from '../features/tutorial/steps';
import { useGame, useProgress } from './context';

export type TabId = 'generators' | 'trade' | 'upgrades' | 'rebirth' | 'special' | 'rankings' | 'inquiries' | 'admin';

const TABS: { id: TabId; label: string; event?: TutorialEvent }[] = [
  { id: 'generators', label: '발전기', event: 'tab:generators' },
  { id: 'trade', label: '거래', event: 'tab:trade' },
  { id: 'upgrades', label: '업그레이드', event: 'tab:upgrades' },
  { id: 'rebirth', label: '환생' },
  { id: 'special', label: '특수', event: 'tab:special' },
  { id: 'rankings', label: '정보', event: 'tab:rankings' },
  { id: 'inquiries', label: '문의', event: 'tab:inquiries' },
  { id: 'admin', label: '관리자' },
];

interface Props {
  active: TabId;
  onChange: (tab: TabId) => void;
  children: ReactNode;
}

/** WAI-ARIA tabs: arrow keys move between tabs, the panel follows. */
export function Tabs({ active, onChange, children }: Props) {
  const { tutorial } = useGame();
  const { user } = useProgress();
  const list = useRef<HTMLDivElement>(null);
  const visible = TABS.filter((tab) => tab.id !== 'admin' || user.is_admin);

  function choose(id: TabId) {
    onChange(id);
    const event = TABS.find((tab) => tab.id === id)?.event;
    if (event) tutorial(event);
  }

  function onKeyDown(event: KeyboardEvent) {
    const index = visible.findIndex((tab) => tab.id === active);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = visible[(index + step + visible.length) % visible.length];
    choose(next.id);
    list.current?.querySelector<HTMLButtonElement>(`#tab-${next.id}`)?.focus();
  }

  return (
    <section className="tabs">
      <div className="tab-list" role="tablist" aria-label="메뉴" ref={list} onKeyDown={onKeyDown}>
        {visible.map((tab) => (
          <button
            key={tab.id}
            id={`tab-${tab.id}`}
            type="button"
            role="tab"
            aria-selected={tab.id === active}
            aria-controls="tab-panel"
            tabIndex={tab.id === active ? 0 : -1}
            onClick={() => choose(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div className="tab-panel" id="tab-panel" role="tabpanel" aria-labelledby={`tab-${active}`}>
        {children}
      </div>
    </section>
  );
}
