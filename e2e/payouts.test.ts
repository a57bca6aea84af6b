// Cash incentives end to end (issue 8), against the real server and the built PWA in Chromium: the
// township (desktop 1280×800) funds its budget, tops up a village fund and sets a round's amounts
// per star level for a closed period; the committee (phone) posts the village's list and prints
// the A4 sheet (PDF → PNG); after the window (server clock moved) the committee approves for the
// village (reserving the list's total from the fund), the township approves and records the
// payment with two households unpaid (their money held), and one paid household's payout is
// returned; on the phone the committee pays one unpaid household later and returns the other's
// money to the fund. Every step is a ledger transfer; the summaries add up on both screens.
// Every printed page is looked at: white paper, the total and signature with the last rows.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ApiClient, getOk, startServer, type TestServer } from './support/server';
import { until } from './support/sync-helpers';
import { DESKTOP, PHONE, launchPerson, resultsDir, screenshot, t, type Person } from './support/browser';
import { story } from './support/steps';

const TOWNSHIP = { username: 'township', password: 'cunxin-town' };
const COMMITTEE = { username: 'committee1', password: 'cunxin-review' };
const UI_TIMEOUT = 20_000;
const DAY = 86_400_000;

interface ListDetail {
  list: { id: string; status: string; totalFen: number; householdCount: number; postEndsAt: string | null };
  items: { id: string; householdNo: string; name: string | null; amountFen: number; status: string }[];
  fund: { availableFen: number; reservedFen: number; unpaidHeldFen: number };
}
interface VillageRow { villageId: string; fundFen: number; reservedFen: number; unpaidHeldFen: number; fundRemainingFen: number; toppedUpFen: number; cashPaidFen: number; householdsPaid: number; householdsUnpaid: number }
interface Summary { township: { cashPaidFen: number; householdsPaid: number; budgetRemainingFen: number; fundRemainingFen: number }; villages: VillageRow[] }

let server: TestServer;
const people: Person[] = [];
let townshipApi: ApiClient;
let villageId = '';
let villageName = '';
let periodKey = '';
let listId = '';

const { step } = story({ people: () => people, server: () => server, prefix: 'payouts' });

async function login(person: Person, user: { username: string; password: string }): Promise<void> {
  const page = person.page;
  await page.goto(server.url + '/', { waitUntil: 'load' });
  await page.locator(t('login-username')).fill(user.username);
  await page.locator(t('login-password')).fill(user.password);
  await page.locator(t('login-submit')).click();
  await page.locator(t('login-username')).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

const confirmDialog = async (person: Person) => {
  const button = person.page.locator('.van-dialog__confirm');
  await button.waitFor({ timeout: UI_TIMEOUT });
  await button.click();
};

describe('a payout period: rules → list → posted and printed → village and township approval → payment, one returned', () => {
  beforeAll(async () => {
    server = await startServer();
    townshipApi = new ApiClient(server.url);
    await townshipApi.login(TOWNSHIP.username, TOWNSHIP.password);
    const committeeApi = new ApiClient(server.url);
    await committeeApi.login(COMMITTEE.username, COMMITTEE.password);
    const { villages } = await getOk<{ villages: { id: string; name: string }[] }>(committeeApi, '/api/villages');
    villageId = villages[0].id;
    villageName = villages[0].name;
    // The tally round freezes the last ended period of every village shortly after start-up.
    const deadline = Date.now() + 90_000;
    while (!periodKey && Date.now() < deadline) {
      const boards = await getOk<{ periods: { periodKey: string }[] }>(committeeApi, `/api/villages/${villageId}/boards`);
      periodKey = boards.periods[0]?.periodKey ?? '';
      if (!periodKey) await new Promise((r) => setTimeout(r, 1000));
    }
    if (!periodKey) throw new Error('no closed period after 90 s');
  }, 150_000);
  afterAll(async () => {
    for (const p of people) await p.close();
    await server?.stop();
  });

  step('the township funds its budget, tops up the village fund and sets the amounts per star level', async () => {
    const town = await launchPerson({ viewport: DESKTOP });
    people.push(town);
    await login(town, TOWNSHIP);
    const page = town.page;
    await page.goto(`${server.url}/payouts`, { waitUntil: 'load' });
    await page.locator(t('payout-totals')).waitFor({ timeout: UI_TIMEOUT });
    await page.locator(t('budget-amount')).fill('100000');
    await page.locator(t('budget-add')).click();
    await until('budget', () => page.locator(t('budget-remaining')).textContent(), '100000.00 元');
    await page.locator(t('topup-village')).selectOption(villageId);
    await page.locator(t('topup-amount')).fill('30000');
    await page.locator(t('topup-submit')).click();
    await until('fund', () => page.locator(`${t('payout-village-row')}[data-village-id="${villageId}"] ${t('village-fund')}`).textContent(), '30000.00');
    await page.locator(t('round-period')).fill(periodKey);
    for (const [n, yuan] of [[5, '200'], [4, '100'], [3, '50'], [2, '20'], [1, '0']] as const) await page.locator(t(`round-star-${n}`)).fill(yuan);
    await page.locator(t('round-create')).click();
    const row = page.locator(t('payout-list-row')).filter({ hasText: villageName }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    listId = (await row.getAttribute('data-list-id'))!;
    expect(await row.getAttribute('data-status')).toBe('draft');
    await screenshot(page, 'payouts-01-township', { fullPage: true });
    // Points are never cashed: nothing in the ledger moved points for this.
    const detail = await getOk<ListDetail>(townshipApi, `/api/payouts/lists/${listId}`);
    expect(detail.list.householdCount).toBeGreaterThan(0);
    expect(detail.list.totalFen).toBe(detail.items.reduce((s, i) => s + i.amountFen, 0));
  });

  step('the committee posts the list on its phone and prints the A4 sheet (PDF → PNG)', async () => {
    const committee = await launchPerson({ viewport: PHONE });
    people.push(committee);
    await login(committee, COMMITTEE);
    const page = committee.page;
    await page.goto(`${server.url}/payouts`, { waitUntil: 'load' });
    await page.locator(`${t('village-payout-list')}[data-list-id="${listId}"]`).click();
    await page.locator(t('payout-post')).click();
    await until('posted', () => page.locator(t('payout-list')).getAttribute('data-status'), 'posted');
    // Before the window ends the village cannot approve.
    expect(await page.locator(t('payout-village-approve')).isDisabled()).toBe(true);
    await screenshot(page, 'payouts-02-posted');
    await page.locator('.van-toast').waitFor({ state: 'hidden', timeout: UI_TIMEOUT }).catch(() => undefined);
    await page.locator(t('payout-print')).click();
    await page.locator(t('payout-sheet')).waitFor({ timeout: UI_TIMEOUT });
    const text = await page.locator(t('payout-sheet')).innerText();
    expect(text).toContain('信用激励兑现公示名单');
    expect(text).not.toMatch(/\d{6}\*{8}\d{3}[\dX]|1[3-9]\d{9}/); // no ID numbers, no phone numbers
    const dir = path.join(resultsDir, 'payouts-sheet');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const pdf = path.join(dir, 'sheet.pdf');
    await page.emulateMedia({ media: 'print' });
    writeFileSync(path.join(dir, 'sheet.html'), await page.content()); // to look at the printed DOM again
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    execFileSync('pdftoppm', ['-png', '-r', '80', pdf, path.join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
    expect(pages.length).toBeGreaterThan(0);
    // Every page is white paper: no pixel of the app's grey background (#f2f3f5) under the sheet.
    for (const f of pages) {
      const png = PNG.sync.read(readFileSync(path.join(dir, f)));
      let grey = 0;
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 242 && png.data[i + 1] === 243 && png.data[i + 2] === 245) grey++;
      expect(grey, `${f}: grey background pixels`).toBe(0);
    }
    // The last page carries household rows with the total and the signature, never the footer alone.
    const last = execFileSync('pdftotext', ['-layout', '-f', String(pages.length), '-l', String(pages.length), pdf, '-']).toString();
    expect(last).toContain('合计');
    expect(last).toContain('村民委员会');
    expect(last.split('\n').filter((l) => /^\s*\d+\s+\S+/.test(l) && /\d+\.\d{2}\s*$/.test(l)).length, last).toBeGreaterThan(0);
  });

  step('after the window the committee approves for the village, then the township', async () => {
    const detail = await getOk<ListDetail>(townshipApi, `/api/payouts/lists/${listId}`);
    const offset = Date.parse(detail.list.postEndsAt!) - Date.now() + DAY;
    await server.restart({ clockOffsetMs: offset });
    await townshipApi.login(TOWNSHIP.username, TOWNSHIP.password);
    // The sessions outlive the restart (they are rows in the database).
    const committee = people[1];
    const page = committee.page;
    await page.goto(`${server.url}/payouts/lists/${listId}`, { waitUntil: 'load' });
    await page.locator(t('payout-village-approve')).click();
    await confirmDialog(committee);
    await until('village approved', () => page.locator(t('payout-list')).getAttribute('data-status'), 'village_approved');
    await screenshot(page, 'payouts-03-village-approved');

    const town = people[0];
    await town.page.goto(`${server.url}/payouts/lists/${listId}`, { waitUntil: 'load' });
    await town.page.locator(t('payout-township-approve')).click();
    await until('township approved', () => town.page.locator(t('payout-list')).getAttribute('data-status'), 'township_approved');
  });

  step('the township records the payment with two households unpaid, and takes one payout back', async () => {
    const page = people[0].page;
    const before = await getOk<ListDetail>(townshipApi, `/api/payouts/lists/${listId}`);
    // The village approval reserved the whole list from the fund.
    expect(before.fund.reservedFen).toBe(before.list.totalFen);
    expect(before.fund.availableFen).toBe(3_000_000 - before.list.totalFen);
    const [first, second, third] = before.items;
    await page.locator(t(`unpaid-${second.householdNo}`)).click();
    await page.locator(t(`unpaid-${third.householdNo}`)).click();
    await screenshot(page, 'payouts-04-payment');
    await page.locator(t('payout-pay')).click();
    await confirmDialog(people[0]);
    await until('paid', () => page.locator(t('payout-list')).getAttribute('data-status'), 'paid');
    await page.locator(t(`return-${first.householdNo}`)).click();
    await page.locator(`${t('return-reason')} input`).fill('户主已迁出，现金已收回');
    await page.locator(t('return-confirm')).click();
    await until('returned', () => page.locator(`${t('payout-item')}[data-item-id="${first.id}"]`).getAttribute('data-status'), 'returned');
    await screenshot(page, 'payouts-05-paid');

    const after = await getOk<ListDetail>(townshipApi, `/api/payouts/lists/${listId}`);
    expect(after.items.find((i) => i.id === second.id)?.status).toBe('unpaid');
    expect(after.fund).toMatchObject({ reservedFen: 0, unpaidHeldFen: second.amountFen + third.amountFen });
    const paid = after.items.filter((i) => i.status === 'paid');
    expect(paid.length).toBe(before.items.length - 3);
  });

  step('on the phone the committee pays one unpaid household later and returns the other\'s money to the fund', async () => {
    const before = await getOk<ListDetail>(townshipApi, `/api/payouts/lists/${listId}`);
    const [, second, third] = before.items;
    const committee = people[1];
    const page = committee.page;
    await page.goto(`${server.url}/payouts/lists/${listId}`, { waitUntil: 'load' });
    await page.locator(`${t('payout-item')}[data-item-id="${third.id}"]`).scrollIntoViewIfNeeded();
    await screenshot(page, 'payouts-06a-phone-unpaid');
    await page.locator(t(`pay-later-${second.householdNo}`)).click();
    await confirmDialog(committee);
    await until('paid later', () => page.locator(`${t('payout-item')}[data-item-id="${second.id}"]`).getAttribute('data-status'), 'paid');
    await page.locator('.van-toast').waitFor({ state: 'hidden', timeout: UI_TIMEOUT }).catch(() => undefined);
    await page.locator(t(`return-${third.householdNo}`)).click();
    await page.locator(`${t('return-reason')} input`).fill('户主放弃领取');
    await page.locator(t('return-confirm')).click();
    await until('returned to the fund', () => page.locator(`${t('payout-item')}[data-item-id="${third.id}"]`).getAttribute('data-status'), 'returned');
    await screenshot(page, 'payouts-06-phone-later');

    const after = await getOk<ListDetail>(townshipApi, `/api/payouts/lists/${listId}`);
    const paid = after.items.filter((i) => i.status === 'paid');
    const paidFen = paid.reduce((s, i) => s + i.amountFen, 0);
    expect(after.fund).toMatchObject({ reservedFen: 0, unpaidHeldFen: 0, availableFen: 3_000_000 - paidFen });
    const summary = await getOk<Summary>(townshipApi, '/api/township/payouts/summary');
    const v = summary.villages.find((x) => x.villageId === villageId)!;
    expect(v).toMatchObject({ toppedUpFen: 3_000_000, cashPaidFen: paidFen, fundFen: 3_000_000 - paidFen, fundRemainingFen: 3_000_000 - paidFen, unpaidHeldFen: 0, householdsPaid: paid.length, householdsUnpaid: 0 });
    expect(summary.township.budgetRemainingFen).toBe(10_000_000 - 3_000_000);
    // The village's own screen shows the same figures.
    await page.goto(`${server.url}/payouts/village?villageId=${villageId}`, { waitUntil: 'load' });
    await until('village cash paid', () => page.locator(t('village-cash-paid')).textContent(), (paidFen / 100).toFixed(2));
    expect(await page.locator(t('village-households-paid')).textContent()).toBe(String(paid.length));
    expect(await page.locator(t('village-fund-remaining')).textContent()).toBe(((3_000_000 - paidFen) / 100).toFixed(2));
    await screenshot(page, 'payouts-07-village-summary');

    const town = people[0].page;
    await town.goto(`${server.url}/payouts`, { waitUntil: 'load' });
    await until('cash paid', () => town.locator(t('households-paid')).textContent(), String(paid.length));
    await screenshot(town, 'payouts-08-summary');
  });
});
