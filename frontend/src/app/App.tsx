// Session gate: find out whether a session exists, then show the login or the game.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, mayHaveSession, setSessionLostHandler } from '../api/client';
import { AuthScreen } from '../features/auth/AuthScreen';
import { Game } from './Game';
import { GameStore } from './gameStore';
import { ErrorState, LoadingState } from './ui';

type Session = { state: 'checking' } | { state: 'anonymous'; reason?: string } | { state: 'playing' } | { state: 'unreachable'; error: unknown };

export function App() {
  const store = useMemo(() => new GameStore(), []);
  const [session, setSession] = useState<Session>({ state: 'checking' });

  const check = useCallback(() => {
    if (!mayHaveSession()) {
      setSession({ state: 'anonymous' });
      return;
    }
    setSession({ state: 'checking' });
    store
      .refresh()
      .then(() => setSession({ state: 'playing' }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) setSession({ state: 'anonymous' });
        else setSession({ state: 'unreachable', error });
      });
  }, [store]);

  useEffect(() => {
    setSessionLostHandler(() => {
      store.reset();
      setSession((current) => (current.state === 'playing' ? { state: 'anonymous', reason: '세션이 만료되었습니다. 다시 로그인하세요.' } : current));
    });
    check();
  }, [store, check]);

  const loggedOut = useCallback(() => {
    store.reset();
    setSession({ state: 'anonymous' });
  }, [store]);

  switch (session.state) {
    case 'checking':
      return (
        <main className="center-screen">
          <LoadingState label="접속 중…" />
        </main>
      );
    case 'unreachable':
      return (
        <main className="center-screen">
          <ErrorState error={session.error} onRetry={check} />
        </main>
      );
    case 'anonymous':
      return <AuthScreen store={store} notice={session.reason} onSignedIn={() => setSession({ state: 'playing' })} />;
    case 'playing':
      return <Game store={store} onLoggedOut={loggedOut} />;
  }
}
