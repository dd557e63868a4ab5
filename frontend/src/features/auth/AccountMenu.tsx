import { type FormEvent, type KeyboardEvent as ReactKeyboardEvent, useEffect, useRef, useState } from 'react';
import { api, describeError } from '../../api/client';
import { useGame, useProgress } from '../../app/context';
import { formatPlayTime } from '../../game/format';
import { focusTutorial } from '../tutorial/TutorialBanner';

export function AccountMenu() {
  const { store, act, tutorial, loggedOut } = useGame();
  const { user } = useProgress();
  const [open, setOpen] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key !== 'Escape' : menu.current?.contains(event.target as Node)) return;
      setOpen(false);
      if (event instanceof KeyboardEvent) menu.current?.querySelector<HTMLButtonElement>('.account-button')?.focus();
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const [focusFirst, setFocusFirst] = useState(false);
  const items = () => Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    if (open && focusFirst) items()[0]?.focus();
    setFocusFirst(false);
  }, [open, focusFirst]);

  /** The menu's keys (WAI-ARIA menu button): arrows move between the items, Home and End jump, a closed menu opens. */
  function moveFocus(event: ReactKeyboardEvent) {
    const keys = ['ArrowDown', 'ArrowUp', 'Home', 'End'];
    const target = event.target as HTMLElement;
    // only the button's and the items' keys: the delete dialog inside this element keeps its text field's keys
    if (!keys.includes(event.key) || !(target.classList.contains('account-button') || target.getAttribute('role') === 'menuitem')) return;
    event.preventDefault();
    if (!open) {
      setOpen(true);
      setFocusFirst(true);
      return;
    }
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    const last = list.length - 1;
    const next = { ArrowDown: at + 1 > last ? 0 : at + 1, ArrowUp: at - 1 < 0 ? last : at - 1, Home: 0, End: last }[event.key];
    list[next ?? 0]?.focus();
  }

  function toggle() {
    setOpen(!open);
    if (!open) tutorial('profile-opened');
  }

  async function logout() {
    await act(() => api.logout()); // even if the server refuses, this tab forgets the session
    loggedOut();
  }

  async function restartTutorial() {
    setOpen(false);
    menu.current?.querySelector<HTMLButtonElement>('.account-button')?.focus(); // the item goes with the menu
    const restarted = await act(async () => {
      const answer = await api.tutorialProgress(1);
      if (answer.user) store.acceptAction({ user: answer.user });
      else store.patchUser({ tutorial: answer.tutorial });
    });
    if (restarted) requestAnimationFrame(focusTutorial); // once the banner shows step 1
  }

  return (
    <div className="account" ref={menu} onKeyDown={moveFocus}>
      <button type="button" className="account-button" aria-haspopup="menu" aria-expanded={open} onClick={toggle}>
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" className="account-icon">
          <circle cx="8" cy="5" r="3" fill="currentColor" />
          <path d="M2 15c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5z" fill="currentColor" />
        </svg>{' '}
        {user.username}
      </button>
      {open && (
        <div className="account-menu" role="menu">
          <p className="account-info">플레이 시간 {formatPlayTime(user.play_time_ms)}</p>
          <button type="button" role="menuitem" onClick={restartTutorial}>
            튜토리얼 다시 보기
          </button>
          <button type="button" role="menuitem" onClick={logout}>
            로그아웃
          </button>
          <button
            type="button"
            role="menuitem"
            className="danger"
            onClick={() => {
              setOpen(false);
              setDeleting(true);
            }}
          >
            계정 삭제
          </button>
        </div>
      )}
      {deleting && <DeleteAccountDialog onClose={() => setDeleting(false)} onDeleted={loggedOut} />}
    </div>
  );
}

function DeleteAccountDialog({ onClose, onDeleted }: { onClose: () => void; onDeleted: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await api.deleteAccount(password);
      onDeleted();
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} className="dialog" onClose={onClose} aria-labelledby="delete-title">
      <form onSubmit={submit}>
        <h2 id="delete-title">계정 삭제</h2>
        <p>계정과 모든 발전기, 진행 상황이 영구히 삭제됩니다. 비밀번호를 입력해 확인하세요.</p>
        <label>
          비밀번호
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            취소
          </button>
          <button type="submit" className="danger" disabled={busy || !password}>
            {busy ? '삭제 중…' : '삭제'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
