// The game screen: header, map, the selected generator, tabs and the tutorial; polling runs while it is shown.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, describeError } from '../api/client';
import { AdminPanel } from '../features/admin/AdminPanel';
import { GeneratorList } from '../features/generators/GeneratorList';
import { InquiryPanel } from '../features/inquiries/InquiryPanel';
import { GameMap } from '../features/map/GameMap';
import { GeneratorPanel } from '../features/map/GeneratorPanel';
import { RankingsPanel } from '../features/rankings/RankingsPanel';
import { RebirthPanel } from '../features/rebirth/RebirthPanel';
import { SpecialShop } from '../features/special/SpecialShop';
import { TradePanel } from '../features/trade/TradePanel';
import { TutorialBanner, useTutorial } from '../features/tutorial/TutorialBanner';
import { UpgradesPanel } from '../features/upgrades/UpgradesPanel';
import { type GameContextValue, GameContext, type Notice } from './context';
import type { GameStore } from './gameStore';
import { Header } from './Header';
import { type TabId, Tabs } from './Tabs';
import { ErrorState, LoadingState, useResource } from './ui';

interface Props {
  store: GameStore;
  onLoggedOut: () => void;
}

export function Game({ store, onLoggedOut }: Props) {
  const catalogue = useResource((signal) => api.generatorTypes(signal), 'types');
  const [notices, setNotices] = useState<Notice[]>([]);
  const noticeId = useRef(0);

  useEffect(() => {
    store.startPolling();
    return () => store.stopPolling();
  }, [store]);

  // an admin edited the catalogue (every answer names its version): load the prices again, a second later, when
  // every server process has the edit (one still on the old version would answer the old prices)
  const reloadTypes = catalogue.reload;
  useEffect(() => {
    let seen: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe(() => {
      const version = store.progress?.user.catalogue_version;
      if (version === undefined || (seen !== undefined && version <= seen)) return;
      if (seen !== undefined) {
        clearTimeout(timer);
        timer = setTimeout(reloadTypes, 1000);
      }
      seen = version;
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store, reloadTypes]);

  const notify = useCallback((text: string, tone: Notice['tone'] = 'info') => {
    noticeId.current += 1;
    const id = noticeId.current;
    setNotices((current) => [...current.slice(-3), { id, text, tone }]);
    setTimeout(() => setNotices((current) => current.filter((n) => n.id !== id)), tone === 'error' ? 6000 : 3000);
  }, []);

  const act = useCallback(
    async (action: () => Promise<unknown>, success?: string) => {
      try {
        await action();
        if (success) notify(success);
        return true;
      } catch (error) {
        notify(describeError(error), 'error');
        return false;
      }
    },
    [notify],
  );

  const tutorial = useTutorial(store, act);
  const types = useMemo(() => [...(catalogue.data?.types ?? [])].sort((a, b) => a.index - b.index), [catalogue.data]);
  const context = useMemo<GameContextValue>(
    () => ({ store, types, reloadTypes: catalogue.reload, notify, act, tutorial: tutorial.report, loggedOut: onLoggedOut }),
    [store, types, catalogue.reload, notify, act, tutorial.report, onLoggedOut],
  );

  if (catalogue.status === 'error' && !catalogue.data) {
    return (
      <main className="center-screen">
        <ErrorState error={catalogue.error} onRetry={catalogue.reload} />
      </main>
    );
  }
  if (!catalogue.data) {
    return (
      <main className="center-screen">
        <LoadingState label="발전기 목록을 불러오는 중…" />
      </main>
    );
  }
  return (
    <GameContext.Provider value={context}>
      <GameScreen />
      <div className="toasts" role="status" aria-live="polite">
        {notices.map((notice) => (
          <div key={notice.id} className={`toast toast-${notice.tone}`}>
            {notice.text}
          </div>
        ))}
      </div>
    </GameContext.Provider>
  );
}

function GameScreen() {
  const [tab, setTab] = useState<TabId>(() => (window.location.hash === '#admin' ? 'admin' : 'generators'));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [placingTypeId, setPlacingTypeId] = useState<string | null>(null);

  useEffect(() => {
    // Escape cancels a placement first, then closes the selected generator (a dialog handles its own Escape)
    const cancel = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || document.querySelector('dialog[open]')) return;
      if (placingTypeId) setPlacingTypeId(null);
      else setSelectedId(null);
    };
    document.addEventListener('keydown', cancel);
    return () => document.removeEventListener('keydown', cancel);
  }, [placingTypeId]);

  return (
    <div className="game">
      <Header />
      <TutorialBanner />
      <GameMap selectedId={selectedId} onSelect={setSelectedId} placingTypeId={placingTypeId} onPlaced={() => setPlacingTypeId(null)} />
      <div className={`game-body${selectedId ? ' has-panel' : ''}`}>
        {selectedId && <GeneratorPanel generatorId={selectedId} onClose={() => setSelectedId(null)} />}
        <Tabs active={tab} onChange={setTab}>
        {tab === 'generators' && <GeneratorList placingTypeId={placingTypeId} onChoose={setPlacingTypeId} />}
        {tab === 'trade' && <TradePanel />}
        {tab === 'upgrades' && <UpgradesPanel />}
        {tab === 'rebirth' && <RebirthPanel />}
        {tab === 'special' && <SpecialShop />}
        {tab === 'rankings' && <RankingsPanel />}
        {tab === 'inquiries' && <InquiryPanel />}
        {tab === 'admin' && <AdminPanel />}
        </Tabs>
      </div>
    </div>
  );
}
