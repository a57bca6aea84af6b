import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import ObjectionView from './ObjectionView.vue';
import { resetDb } from '../../test/fixtures';
import { eventually, testPlugins } from '../../test/mount';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWx';
const RECEIPT = 'ReCeIpTrEcEiPtReCeIpT123';

function notice(windowOpen: boolean) {
  return {
    notice: {
      id: 'n1', villageId: 'v1', villageName: '东河村', townshipName: '青岚镇', startsAt: '2026-11-26T00:00:00.000Z', endsAt: '2026-12-03T00:00:00.000Z',
      status: windowOpen ? 'open' : 'closed', windowOpen, periodFrom: null, periodTo: null, entryCount: 2, householdCount: 2, namesOnDeductions: false,
    },
    households: [
      { householdId: 'h1', householdNo: '0009', headName: '王松林', total: 3, entries: [{ entryId: 'e1', indicatorNameZh: '参加志愿服务', points: 3, occurredOn: '2026-11-22', state: 'publicized', showName: true }] },
      { householdId: 'h2', householdNo: '0011', headName: null, total: -5, entries: [{ entryId: 'e2', indicatorNameZh: '乱倒垃圾', points: -5, occurredOn: '2026-11-20', state: 'publicized', showName: false }] },
    ],
  };
}

function fakeServer(opts: { windowOpen?: boolean; fileStatus?: number } = {}) {
  const filed: unknown[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(String(input), init);
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === `/api/public/notices/${TOKEN}` && req.method === 'GET') return json(notice(opts.windowOpen ?? true));
    if (path === `/api/public/notices/${TOKEN}/objections` && req.method === 'POST') {
      if (opts.fileStatus === 409) return json({ error: { code: 'notice_closed', message: '公示期已结束，不能再提出异议' } }, 409);
      filed.push(await req.json());
      return json({ objection: { id: 'o1', status: 'pending', createdAt: '2026-11-27T00:00:00.000Z' }, receipt: RECEIPT, receiptPath: `/o/receipt/${RECEIPT}` }, 201);
    }
    return json({ error: { code: 'not_found', message: path } }, 404);
  }));
  return { filed };
}

async function open() {
  const { plugins, router } = testPlugins();
  router.addRoute({ path: '/o/receipt/:receipt', component: { render: () => null } });
  await router.push('/');
  return mount(ObjectionView, { props: { token: TOKEN }, global: { plugins: plugins as never[] } });
}

beforeEach(async () => {
  await resetDb();
  localStorage.clear();
});
afterEach(() => vi.unstubAllGlobals());

describe('the public objection page (QR link)', () => {
  it('shows the notice without names on deductions, and files an objection in two steps with a receipt', async () => {
    const server = fakeServer();
    const w = await open();
    await eventually(() => expect(w.findAll('[data-test="notice-entry"]')).toHaveLength(2));
    expect(w.text()).toContain('青岚镇东河村');
    expect(w.text()).toContain('王松林');
    expect(w.text()).toContain('0011 号户');
    await w.find('[data-test="notice-entry"][data-entry-id="e2"]').trigger('click');
    await w.find('[data-test="objection-grounds"] textarea').setValue('那天没有倒垃圾，请核实');
    await w.find('[data-test="objection-name"] input').setValue('王秀兰');
    await w.find('[data-test="objection-submit"]').trigger('click');
    await eventually(() => expect(w.find('[data-test="objection-done"]').exists()).toBe(true));
    expect(server.filed).toEqual([{ entryId: 'e2', grounds: '那天没有倒垃圾，请核实', name: '王秀兰' }]);
    expect(w.find('[data-test="objection-receipt"]').text()).toContain(`/o/receipt/${RECEIPT}`);
    expect(JSON.parse(localStorage.getItem('cx-objection-receipts')!)).toEqual([RECEIPT]);
  });

  it('says so when the window has closed, and offers no form', async () => {
    fakeServer({ windowOpen: false });
    const w = await open();
    await eventually(() => expect(w.find('[data-test="objection-window"]').text()).toContain('公示期已结束'));
    expect(w.find('[data-test="notice-entry"]').exists()).toBe(false);
  });

  it('shows the server’s Chinese message when the filing is refused (window ended meanwhile)', async () => {
    fakeServer({ fileStatus: 409 });
    const w = await open();
    await eventually(() => expect(w.findAll('[data-test="notice-entry"]')).toHaveLength(2));
    await w.find('[data-test="notice-entry"][data-entry-id="e1"]').trigger('click');
    await w.find('[data-test="objection-grounds"] textarea').setValue('我有异议的理由');
    await w.find('[data-test="objection-submit"]').trigger('click');
    await eventually(() => expect(w.find('[data-test="objection-error"]').text()).toBe('公示期已结束，不能再提出异议'));
    // What was typed is still there.
    expect((w.find('[data-test="objection-grounds"] textarea').element as HTMLTextAreaElement).value).toBe('我有异议的理由');
  });
});
