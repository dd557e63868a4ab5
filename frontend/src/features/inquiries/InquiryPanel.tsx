// Send a bug report, vulnerability, generator proposal or anything else to the admins.
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import type { InquiryType } from '../../api/types';
import { useGame } from '../../app/context';

export const INQUIRY_TYPES: { id: InquiryType; label: string }[] = [
  { id: 'bug', label: '버그 제보' },
  { id: 'vulnerability', label: '취약점 제보' },
  { id: 'proposal', label: '발전기 제안' },
  { id: 'other', label: '기타' },
];

export function InquiryPanel() {
  const { act } = useGame();
  const [type, setType] = useState<InquiryType>('bug');
  const [content, setContent] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!content.trim()) return;
    setBusy(true);
    const ok = await act(() => api.createInquiry(type, content.trim()), '문의를 보냈습니다.');
    setBusy(false);
    if (ok) {
      setContent('');
      setSent(true);
    }
  }

  return (
    <form className="inquiry" onSubmit={submit}>
      <h2>문의하기</h2>
      <p className="hint">채택된 문의에는 슈퍼코인 1개를 드립니다.</p>
      <label>
        종류
        <select value={type} onChange={(e) => setType(e.target.value as InquiryType)}>
          {INQUIRY_TYPES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        내용
        <textarea value={content} onChange={(e) => { setContent(e.target.value); setSent(false); }} rows={5} required maxLength={5000} />
      </label>
      <button type="submit" className="primary" disabled={busy || !content.trim()}>
        {busy ? '보내는 중…' : '보내기'}
      </button>
      {sent && (
        <p className="note" role="status">
          문의가 접수되었습니다. 감사합니다!
        </p>
      )}
    </form>
  );
}
