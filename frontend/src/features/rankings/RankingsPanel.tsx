// Rankings for the five criteria, with the player's own rank.
import { useState } from 'react';
import { api } from '../../api/client';
import type { RankCriteria, RankScore } from '../../api/types';
import { usePanelResource, useProgress } from '../../app/context';
import { EmptyState, ErrorState, LoadingState } from '../../app/ui';
import { formatCount, formatPlayTime, formatWire } from '../../game/format';

const CRITERIA: { id: RankCriteria; label: string }[] = [
  { id: 'money', label: '돈' },
  { id: 'energy', label: '에너지' },
  { id: 'playtime', label: '플레이 시간' },
  { id: 'rebirth', label: '환생' },
  { id: 'supercoin', label: '슈퍼코인' },
];
const PAGE_SIZE = 50;

export function formatScore(criteria: RankCriteria, score: RankScore): string {
  if (typeof score !== 'number') return formatWire(score.data, score.high);
  if (criteria === 'playtime') return formatPlayTime(score);
  return formatCount(score);
}

export function RankingsPanel() {
  const { user } = useProgress();
  const [criteria, setCriteria] = useState<RankCriteria>('money');
  const [refreshed, setRefreshed] = useState(0);
  const key = `${criteria}-${refreshed}`;
  const mine = usePanelResource((signal) => api.myRank(criteria, signal), key);
  const page = usePanelResource((signal) => api.ranks(criteria, PAGE_SIZE, 0, signal), key);

  return (
    <div className="rankings">
      <h2>순위</h2>
      <div className="segmented" role="group" aria-label="순위 기준">
        {CRITERIA.map((c) => (
          <button key={c.id} type="button" aria-pressed={criteria === c.id} onClick={() => setCriteria(c.id)}>
            {c.label}
          </button>
        ))}
        <button type="button" className="ghost" onClick={() => setRefreshed((n) => n + 1)} aria-label="순위 새로고침">
          ↻
        </button>
      </div>
      <div className="my-rank" data-testid="my-rank">
        {mine.status === 'ready' ? (
          <>
            내 순위: <strong>{mine.data.rank === null ? '순위 없음' : `${formatCount(mine.data.rank)}위`}</strong> ({formatScore(criteria, mine.data.score)})
          </>
        ) : mine.status === 'error' ? (
          <ErrorState error={mine.error} onRetry={mine.reload} />
        ) : (
          <LoadingState />
        )}
      </div>
      {page.status === 'error' && <ErrorState error={page.error} onRetry={page.reload} />}
      {page.status === 'loading' && !page.data && <LoadingState />}
      {page.data && page.data.ranks.length === 0 && <EmptyState>아직 순위가 없습니다.</EmptyState>}
      {page.data && page.data.ranks.length > 0 && (
        <table className="rank-table" data-testid="rank-table">
          <caption>
            상위 {page.data.ranks.length}명 / 전체 {formatCount(page.data.total)}명
          </caption>
          <thead>
            <tr>
              <th scope="col">순위</th>
              <th scope="col">플레이어</th>
              <th scope="col">{CRITERIA.find((c) => c.id === criteria)?.label}</th>
            </tr>
          </thead>
          <tbody>
            {page.data.ranks.map((entry) => (
              <tr key={`${entry.rank}-${entry.username}`} className={entry.username === user.username ? 'me' : undefined}>
                <td>{formatCount(entry.rank)}</td>
                <td>{entry.username}</td>
                <td>{formatScore(criteria, entry.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
