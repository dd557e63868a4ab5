// The original's 20 tutorial steps (ORIGINAL-RULES.md §11). A step advances when the player does what it asks;
// steps that only explain advance with "다음".

export type TutorialEvent =
  | 'map-scrolled'
  | 'tab:generators'
  | 'generator-placed'
  | 'energy-hovered'
  | 'money-hovered'
  | 'profile-opened'
  | 'tab:trade'
  | 'energy-sold'
  | 'tab:upgrades'
  | 'global-production-bought'
  | 'generator-selected'
  | 'generator-production-bought'
  | 'tab:rankings'
  | 'tab:special'
  | 'tab:inquiries';

export interface TutorialStep {
  step: number;
  text: string;
  /** the action that completes the step; none = read and press 다음 */
  event?: TutorialEvent;
}

export const TUTORIAL_STEPS: readonly TutorialStep[] = [
  { step: 1, text: '지도를 좌우로 스크롤해서 둘러보세요.', event: 'map-scrolled' },
  { step: 2, text: '아래 발전기 탭에서 설치할 수 있는 발전기를 확인하세요.', event: 'tab:generators' },
  { step: 3, text: '첫 발전기를 지도로 끌어다 놓으세요. (터치: 발전기를 누른 뒤 지도의 빈 자리를 누르세요)', event: 'generator-placed' },
  { step: 4, text: '위쪽에 가진 에너지와 돈이 표시됩니다.' },
  { step: 5, text: '에너지에 마우스를 올리거나 눌러 보세요. 아래 줄이 초당 생산량이에요.', event: 'energy-hovered' },
  { step: 6, text: '돈에 마우스를 올리거나 눌러 보세요. 아래 줄이 현재 교환 비율이에요.', event: 'money-hovered' },
  { step: 7, text: '오른쪽 위의 프로필을 눌러 보세요.', event: 'profile-opened' },
  { step: 8, text: '거래 탭을 열어 보세요.', event: 'tab:trade' },
  { step: 9, text: '판매 버튼을 눌러 에너지를 돈으로 바꾸세요.', event: 'energy-sold' },
  { step: 10, text: '업그레이드 탭을 열어 보세요.', event: 'tab:upgrades' },
  { step: 11, text: '"전체 생산량" 업그레이드를 구매하세요.', event: 'global-production-bought' },
  { step: 12, text: '지도에 설치한 발전기를 눌러 보세요.', event: 'generator-selected' },
  { step: 13, text: '그 발전기의 생산량 업그레이드를 구매하세요.', event: 'generator-production-bought' },
  { step: 14, text: '정보 탭을 열어 보세요.', event: 'tab:rankings' },
  { step: 15, text: '정보 탭에서는 돈, 에너지, 플레이 시간, 환생, 슈퍼코인 순위와 내 순위를 볼 수 있어요.' },
  { step: 16, text: '특수 탭을 열어 보세요.', event: 'tab:special' },
  { step: 17, text: '슈퍼코인은 발전기가 가동되는 동안 아주 드물게 얻을 수 있어요. 특수 상점에서 사용하세요.' },
  { step: 18, text: '환생하면 발전기와 업그레이드가 초기화되지만 생산량과 교환 비율이 2배가 됩니다.' },
  { step: 19, text: '문의 탭을 열어 보세요. 버그나 제안을 보낼 수 있어요.', event: 'tab:inquiries' },
  { step: 20, text: '튜토리얼을 마쳤습니다! 즐거운 발전 되세요.' },
];

export function stepInfo(step: number): TutorialStep | undefined {
  return TUTORIAL_STEPS.find((s) => s.step === step);
}
