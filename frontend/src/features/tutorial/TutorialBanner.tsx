import { useCallback, useRef } from 'react';
import { api } from '../../api/client';
import { useGame, useProgress } from '../../app/context';
import type { GameStore } from '../../app/gameStore';
import { TUTORIAL_STEPS, type TutorialEvent, stepInfo } from './steps';

const LAST_STEP = TUTORIAL_STEPS.length;

type Act = (action: () => Promise<unknown>) => Promise<boolean>;

/** Moves the tutorial on when the player does what the current step asks. */
export function useTutorial(store: GameStore, act: Act) {
  const pending = useRef(false);

  const goTo = useCallback(
    async (step: number) => {
      if (pending.current) return;
      pending.current = true;
      await act(async () => {
        const answer = step === 0 ? await api.tutorialSkip() : await api.tutorialProgress(step);
        if (answer.user) store.acceptAction({ user: answer.user });
        else store.patchUser({ tutorial: answer.tutorial });
      });
      pending.current = false;
    },
    [store, act],
  );

  const report = useCallback(
    (event: TutorialEvent) => {
      const step = store.progress?.user.tutorial ?? 0;
      if (stepInfo(step)?.event === event) void goTo(step + 1 > LAST_STEP ? 0 : step + 1);
    },
    [store, goTo],
  );

  return { report, goTo };
}

/** Puts the focus on the banner's first control (after a restart from the profile menu, whose item is gone). */
export function focusTutorial(): void {
  document.querySelector<HTMLElement>('.tutorial button')?.focus();
}

export function TutorialBanner() {
  const { store, act } = useGame();
  const { user } = useProgress();
  const { goTo } = useTutorial(store, act);
  const info = stepInfo(user.tutorial);
  if (!info) return null;
  const last = info.step === LAST_STEP;

  return (
    <aside className="tutorial" aria-label="튜토리얼" data-testid="tutorial">
      <span className="tutorial-step">
        튜토리얼 {info.step}/{LAST_STEP}
      </span>
      <p>{info.text}</p>
      <div className="tutorial-actions">
        <button type="button" onClick={() => void goTo(last ? 0 : info.step + 1)}>
          {last ? '완료' : '다음'}
        </button>
        {!last && (
          <button type="button" className="ghost" onClick={() => void goTo(0)}>
            건너뛰기
          </button>
        )}
      </div>
    </aside>
  );
}
