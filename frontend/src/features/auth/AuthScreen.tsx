import { type FormEvent, useState } from 'react';
import { api, describeError } from '../../api/client';
import type { GameStore } from '../../app/gameStore';
import { passwordProblem, usernameProblem } from './validation';

type Mode = 'login' | 'signup';

interface Props {
  store: GameStore;
  notice?: string;
  onSignedIn: () => void;
}

export function AuthScreen({ store, notice, onSignedIn }: Props) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = mode === 'signup' ? (usernameProblem(username) ?? passwordProblem(password)) : null;
    if (problem) return setError(problem);
    if (!username || !password) return setError('아이디와 비밀번호를 입력하세요.');
    setBusy(true);
    setError(null);
    try {
      await (mode === 'signup' ? api.signup({ username, password }) : api.login({ username, password }));
      await store.refresh();
      onSignedIn();
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  function switchTo(next: Mode) {
    setMode(next);
    setError(null);
  }

  return (
    <main className="auth-screen">
      <h1 className="logo">
        <svg width="30" height="30" viewBox="0 0 32 32" aria-hidden="true">
          <path d="M18 3 7 18h7l-2 11 11-15h-7z" fill="currentColor" />
        </svg>{' '}
        에너지 타이쿤
      </h1>
      <p className="auth-tagline">발전기를 세우고, 에너지를 팔아, 최고의 에너지 재벌이 되어 보세요.</p>
      <div className="auth-card">
        <div className="segmented" role="tablist" aria-label="로그인 또는 회원가입">
          <button type="button" role="tab" aria-selected={mode === 'login'} onClick={() => switchTo('login')}>
            로그인
          </button>
          <button type="button" role="tab" aria-selected={mode === 'signup'} onClick={() => switchTo('signup')}>
            회원가입
          </button>
        </div>
        {notice && !error && <p className="note">{notice}</p>}
        <form onSubmit={submit} aria-label={mode === 'login' ? '로그인' : '회원가입'}>
          <label>
            아이디
            <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value.trim())} required />
          </label>
          <label>
            비밀번호
            <input
              name="password"
              type="password"
              autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          {mode === 'signup' && <p className="hint">아이디 3~20자(글자·숫자·_), 비밀번호 8자 이상(글자와 숫자 포함)</p>}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? '처리 중…' : mode === 'login' ? '로그인' : '가입하고 시작하기'}
          </button>
        </form>
      </div>
    </main>
  );
}
