// The whole game loop in a real browser against a real server:
// sign up → place a generator → build completes → energy rises → sell → buy an upgrade → rank shows the player
// → log out. A screenshot of every step goes to test-results/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenApi, contractProblems } from '../src/api/contract';
import { API_URL, type Preview, buildClient, launchBrowser, screenshotPath, serverAnswers, startPreview } from './harness';

const SUFFIX: Record<string, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9 };
const username = `e2e_${Date.now().toString(36)}`;
const password = 'e2eTest1234';

/** "12.3" → 12.3, "1.23K" → 1230 (the small values this test meets). */
function shownValue(text: string): number {
  const match = /^(-?[\d.]+)([A-Za-z]*)/.exec(text.replace(/[원,\s]/g, ''));
  if (!match || !(match[2] in SUFFIX)) throw new Error(`cannot read "${text}"`);
  return Number(match[1]) * SUFFIX[match[2]];
}

async function readNumber(page: Page, testId: string): Promise<number> {
  return shownValue(await page.getByTestId(testId).innerText());
}

async function waitForNumber(page: Page, testId: string, atLeast: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await readNumber(page, testId);
    if (value >= atLeast) return value;
    if (Date.now() > deadline) throw new Error(`${testId} stayed at ${value}, wanted ≥ ${atLeast}`);
    await page.waitForTimeout(500);
  }
}

describe('Energy Tycoon in a browser', () => {
  let preview: Preview | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const progressRequests: number[] = [];
  const actions: string[] = []; // every request that is not a GET: what the player asked the server to do

  beforeAll(async () => {
    if (!(await serverAnswers())) throw new Error(`no game server answers at ${API_URL} (start it with make run, or set API_URL)`);
    await buildClient();
    preview = await startPreview();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'ko-KR' });
    page = await context.newPage();
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/progress' && request.method() === 'GET') progressRequests.push(Date.now());
      if (request.method() !== 'GET') actions.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    preview?.stop();
  });

  it("uses the running server's API as its OpenAPI document describes it", async () => {
    const document = (await (await fetch(`${API_URL}/openapi.json`)).json()) as OpenApi;
    expect(contractProblems(document)).toEqual([]);
  });

  it('signs up a new player', async () => {
    await page.goto(preview!.url);
    await page.getByRole('tab', { name: '회원가입' }).click();
    await page.getByLabel('아이디').fill(username);
    await page.getByLabel('비밀번호').fill(password);
    await page.getByRole('button', { name: '가입하고 시작하기' }).click();
    await page.getByTestId('energy').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: username }).waitFor();
    expect(await readNumber(page, 'money')).toBe(10);
    await page.screenshot({ path: screenshotPath('01-signed-up') });
  });

  it('places a generator on the map', async () => {
    await page.locator('[data-testid="generator-type"][data-name="식물 광합성 전지"]').click();
    await page.getByRole('button', { name: '1번 빈 자리에 설치', exact: true }).click();
    const placed = page.getByTestId('map-generator');
    await placed.first().waitFor({ timeout: 10_000 });
    // the slot's button is gone: focus went to the new generator, not to the top of the page
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'map-generator', null, { timeout: 5000 });
    expect(await placed.first().getAttribute('data-status')).toBe('building');
    await page.screenshot({ path: screenshotPath('02-generator-placed') });
  });

  it('does not ask the server for what the player cannot afford', async () => {
    // all 10 won went on the plant: its upgrades (12.5), its demolition (5), the global upgrade (18) and a second
    // generator type are out of reach, and the client knows it without a 400
    const asked = actions.length;
    const panel = page.getByTestId('generator-panel');
    const upgrade = panel.getByRole('button', { name: '생산량 업그레이드 구매' });
    expect(await upgrade.isDisabled()).toBe(true);
    expect(await upgrade.getAttribute('title')).toBe('돈이 부족합니다.');
    const demolish = panel.getByRole('button', { name: /^철거/ });
    expect(await demolish.isDisabled()).toBe(true);
    expect(await demolish.getAttribute('title')).toBe('철거 비용이 부족합니다.');
    await page.getByRole('tab', { name: '업그레이드' }).click();
    const buy = page.getByTestId('upgrade-production').getByRole('button', { name: /^구매/ });
    expect(await buy.isDisabled()).toBe(true);
    expect(await buy.getAttribute('title')).toBe('돈이 부족합니다.');
    await page.getByRole('tab', { name: '발전기' }).click();
    await page.getByTestId('generator-type').nth(1).click();
    await page.locator('.map-slot').first().click();
    await page.locator('.toast-error', { hasText: '돈이 부족합니다.' }).waitFor({ timeout: 5000 });
    await page.keyboard.press('Escape'); // cancels the placing
    await page.locator('.map-slot').first().waitFor({ state: 'detached' });
    expect(actions.slice(asked).filter((action) => !action.includes('/tutorial/'))).toEqual([]); // the tutorial moves on by itself
  });

  it('completes the build', async () => {
    await page.locator('[data-testid="map-generator"][data-status="running"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: screenshotPath('03-build-complete') });
  });

  it("lets a keyboard player do the tutorial's hover steps", async () => {
    const banner = page.getByTestId('tutorial');
    const step = async () => Number(/튜토리얼 (\d+)\/20/.exec(await banner.innerText())?.[1]);
    for (let now = await step(); now < 5; now = await step()) {
      await banner.getByRole('button', { name: '다음' }).click();
      await banner.getByText(`튜토리얼 ${now + 1}/20`).waitFor({ timeout: 5000 });
    }
    expect(await step()).toBe(5);
    expect(await page.getByTestId('energy-resource').getAttribute('tabindex')).toBe('0');
    await page.getByTestId('energy-resource').focus();
    await banner.getByText('튜토리얼 6/20').waitFor({ timeout: 5000 });
    await page.keyboard.press('Tab'); // the money is the next stop
    await banner.getByText('튜토리얼 7/20').waitFor({ timeout: 5000 });
  });

  it('makes energy rise, polling at most once a second', async () => {
    const before = await readNumber(page, 'energy');
    const polled = progressRequests.length;
    const started = Date.now();
    await page.waitForTimeout(4000);
    const after = await readNumber(page, 'energy');
    const seconds = (Date.now() - started) / 1000;
    expect(after).toBeGreaterThan(before);
    expect(progressRequests.length - polled).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    await page.screenshot({ path: screenshotPath('04-energy-rises') });
  });

  it('stops polling while the page is hidden', async () => {
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(1500); // let a request already in flight finish
    const polled = progressRequests.length;
    await page.waitForTimeout(3000);
    expect(progressRequests.length).toBe(polled);
    await page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await page.waitForTimeout(1500);
    expect(progressRequests.length).toBeGreaterThan(polled);
  });

  it("waits out a 429's Retry-After, telling the player", async () => {
    let refused = false;
    await page.route('**/api/progress', async (route) => {
      if (refused || route.request().method() !== 'GET') return route.continue();
      refused = true;
      const body = JSON.stringify({ detail: 'Too many requests, slow down' });
      await route.fulfill({ status: 429, headers: { 'retry-after': '3', 'content-type': 'application/json' }, body });
    });
    const notice = page.getByTestId('waiting');
    await notice.waitFor({ timeout: 5000 });
    const polled = progressRequests.length;
    await page.screenshot({ path: screenshotPath('04b-waiting-retry-after') });
    await page.waitForTimeout(2000);
    expect(progressRequests.length).toBe(polled); // nothing sent during the wait
    await notice.waitFor({ state: 'detached', timeout: 5000 });
    await page.waitForTimeout(1500);
    expect(progressRequests.length).toBeGreaterThan(polled);
    await page.unroute('**/api/progress');
  });

  it('brings a panel out of its error state by itself once the server answers again', async () => {
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    const polled = progressRequests.length;
    await page.getByRole('tab', { name: '거래' }).click();
    await page.locator('.trade-rate').getByRole('button', { name: '다시 시도' }).waitFor({ timeout: 5000 });
    for (const deadline = Date.now() + 5000; progressRequests.length === polled && Date.now() < deadline; ) await page.waitForTimeout(100);
    expect(progressRequests.length).toBeGreaterThan(polled); // a poll failed too: the server was gone
    await page.screenshot({ path: screenshotPath('04c-rate-unreachable') });
    await page.unroute('**/api/**');
    await page.getByTestId('rate').waitFor({ timeout: 10_000 }); // with no click on 다시 시도
  });

  it('sells energy for money', async () => {
    // the global production upgrade costs 18: sell once there is enough energy to pay for it
    await waitForNumber(page, 'energy', 26, 60_000);
    await page.getByRole('tab', { name: '거래' }).click();
    await page.getByTestId('rate').waitFor();
    await page.getByRole('button', { name: '100%' }).click();
    const moneyBefore = await readNumber(page, 'money');
    await page.getByTestId('sell').click();
    await page.getByText('원을 벌었습니다.').waitFor({ timeout: 10_000 });
    expect(await readNumber(page, 'money')).toBeGreaterThanOrEqual(moneyBefore + 18);
    await page.screenshot({ path: screenshotPath('05-energy-sold') });
  });

  it('buys an upgrade', async () => {
    await page.getByRole('tab', { name: '업그레이드' }).click();
    const card = page.getByTestId('upgrade-production');
    expect(await card.innerText()).toContain('Lv.0');
    const moneyBefore = await readNumber(page, 'money');
    await card.getByRole('button', { name: /^구매/ }).click();
    await card.getByText('Lv.1').waitFor({ timeout: 10_000 });
    expect(await readNumber(page, 'money')).toBeLessThan(moneyBefore);
    await page.screenshot({ path: screenshotPath('06-upgrade-bought') });
  });

  it('shows the player in the ranking', async () => {
    await page.getByRole('tab', { name: '정보' }).click();
    const mine = page.getByTestId('my-rank');
    await mine.getByText(/\d+위/).waitFor({ timeout: 15_000 });
    const table = page.getByTestId('rank-table');
    await table.waitFor();
    const caption = await table.locator('caption').innerText();
    const total = Number(/전체 ([\d,]+)명/.exec(caption)?.[1].replace(/,/g, '') ?? '0');
    if (total <= 50) expect(await table.locator('tr.me').innerText()).toContain(username);
    await page.screenshot({ path: screenshotPath('07-ranking') });
  });

  it('demolishes the generator, leaving the focus on the map', async () => {
    // the fee is half of the plant's 10: sell enough energy for it
    await waitForNumber(page, 'energy', 10, 30_000);
    await page.getByRole('tab', { name: '거래' }).click();
    await page.getByRole('button', { name: '100%' }).click();
    await page.getByTestId('sell').click();
    await page.getByText('원을 벌었습니다.').waitFor({ timeout: 10_000 });
    expect(await readNumber(page, 'money')).toBeGreaterThanOrEqual(5);
    const panel = page.getByTestId('generator-panel');
    if (!(await panel.isVisible())) await page.getByTestId('map-generator').first().click();
    await panel.getByRole('button', { name: /^철거/ }).click();
    await page.getByRole('button', { name: /^철거 확인/ }).press('Enter');
    await page.getByTestId('map-generator').waitFor({ state: 'detached', timeout: 10_000 });
    await page.waitForFunction(() => document.activeElement?.classList.contains('map-viewport'), null, { timeout: 5000 });
  });

  it('fits a 360 px wide screen', async () => {
    await page.getByRole('tab', { name: '발전기' }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('08-desktop-overview') });
    await page.setViewportSize({ width: 360, height: 780 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    // every generator row inside its panel, the longest price (row 45's) wrapped within its row, the name readable
    const layout = await page.evaluate(() => {
      const panel = document.querySelector('.tab-panel')!.getBoundingClientRect();
      const rows = Array.from(document.querySelectorAll('.generator-row'), (row) => {
        const box = row.getBoundingClientRect();
        const price = row.querySelector('.generator-row-price')!.getBoundingClientRect();
        const name = row.querySelector('.generator-row-name')!.getBoundingClientRect();
        return { outside: box.left < panel.left || box.right > panel.right || price.right > box.right, name: name.width / box.width };
      });
      return { count: rows.length, outside: rows.filter((row) => row.outside).length, narrowestName: Math.min(...rows.map((row) => row.name)) };
    });
    expect(layout).toMatchObject({ count: 45, outside: 0 });
    expect(layout.narrowestName).toBeGreaterThan(0.3); // row 45 once showed only "45. …"
    await page.screenshot({ path: screenshotPath('09-mobile-360px') });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('restarts the tutorial from the profile menu, focus on its first control', async () => {
    await page.getByRole('button', { name: username }).click();
    await page.getByRole('menuitem', { name: '튜토리얼 다시 보기' }).press('Enter');
    const banner = page.getByTestId('tutorial');
    await banner.getByText('튜토리얼 1/20').waitFor({ timeout: 5000 });
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="tutorial"]') !== null, null, { timeout: 5000 });
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('다음');
  });

  it('logs out', async () => {
    // the account menu answers the keys of a menu button: arrows, End, Escape back to the button
    const account = page.getByRole('button', { name: username });
    await account.focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('menuitem', { name: '튜토리얼 다시 보기' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('튜토리얼 다시 보기');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('계정 삭제');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');
    // the delete dialog's password field keeps its own keys (Home), and Escape closes it without deleting
    await account.click();
    await page.getByRole('menuitem', { name: '계정 삭제' }).click();
    const password = page.getByLabel('비밀번호');
    await password.pressSequentially('abc');
    await page.keyboard.press('Home');
    await password.pressSequentially('X');
    expect(await password.inputValue()).toBe('Xabc');
    await page.keyboard.press('Escape');
    await password.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: username }).click();
    await page.getByRole('menuitem', { name: '로그아웃' }).click();
    await page.getByRole('button', { name: '로그인' }).last().waitFor({ timeout: 10_000 });
    await page.reload();
    await page.getByRole('tab', { name: '로그인' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('10-logged-out') });
  });
});
