// Admins review inquiries: accepting one gives its author a supercoin; both answers remove it.
import { useState } from 'react';
import { api } from '../../api/client';
import { useGame, usePanelResource, useProgress } from '../../app/context';
import { EmptyState, ErrorState, LoadingState } from '../../app/ui';
import { INQUIRY_TYPES } from '../inquiries/InquiryPanel';
import { CatalogueEditor } from './CatalogueEditor';

export function AdminPanel() {
  const { user } = useProgress();
  const { act } = useGame();
  const inquiries = usePanelResource((signal) => api.inquiries(signal), 'inquiries');
  const [busy, setBusy] = useState<string | null>(null);

  if (!user.is_admin) return <EmptyState>관리자만 볼 수 있습니다.</EmptyState>;

  async function decide(inquiryId: string, accept: boolean) {
    setBusy(inquiryId);
    const ok = await act(() => (accept ? api.acceptInquiry(inquiryId) : api.rejectInquiry(inquiryId)), accept ? '채택했습니다.' : '거절했습니다.');
    setBusy(null);
    if (ok) inquiries.reload();
  }

  return (
    <div className="admin">
      <h2>문의 관리</h2>
      {inquiries.status === 'error' && <ErrorState error={inquiries.error} onRetry={inquiries.reload} />}
      {inquiries.status === 'loading' && !inquiries.data && <LoadingState />}
      {inquiries.data?.length === 0 && <EmptyState>대기 중인 문의가 없습니다.</EmptyState>}
      <ul className="card-list">
        {(inquiries.data ?? []).map((inquiry) => (
          <li className="card" key={inquiry.inquiry_id}>
            <div className="card-main">
              <h3>
                {INQUIRY_TYPES.find((t) => t.id === inquiry.type)?.label ?? inquiry.type} · {inquiry.username ?? inquiry.user_id}
              </h3>
              <p className="inquiry-content">{inquiry.content}</p>
              <p className="effect">{new Date(inquiry.created_at).toLocaleString('ko-KR')}</p>
            </div>
            <div className="card-actions">
              <button type="button" onClick={() => void decide(inquiry.inquiry_id, true)} disabled={busy !== null}>
                채택 (+슈퍼코인 1)
              </button>
              <button type="button" className="danger-outline" onClick={() => void decide(inquiry.inquiry_id, false)} disabled={busy !== null}>
                거절
              </button>
            </div>
          </li>
        ))}
      </ul>
      <CatalogueEditor />
    </div>
  );
}
