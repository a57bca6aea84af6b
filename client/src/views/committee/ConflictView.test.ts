import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';

const toasts = vi.hoisted(() => ({ showToast: vi.fn((_opts: unknown) => undefined) }));
vi.mock('vant', async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), ...toasts }));

import ConflictView from './ConflictView.vue';
import { useAuthStore } from '../../stores/auth';
import { setCachedUser } from '../../db/meta';
import { resetDb, USER, VILLAGE } from '../../test/fixtures';
import { eventually, testPlugins } from '../../test/mount';
import type { ConflictDto } from '../../api/types';

const me = { id: USER, displayName: '赵秀兰', role: 'committee' as const, townshipId: null, householdId: null, villageIds: [VILLAGE] };

function conflict(over: Partial<ConflictDto>): ConflictDto {
  return {
    id: '0190a000-0000-7000-8000-0000000000c1', entity: 'household', entityId: '0190a000-0000-7000-8000-0000000000d1',
    householdNo: '017', headName: '王建国', field: 'phone', baseVersion: 3, serverValue: '13800000017',
    clientValue: '13900000017', recordedBy: '孙志强', createdAt: '2026-11-20T02:30:00.000Z', status: 'open', ...over,
  };
}

/** A fake server: the village list, the open conflicts, and the resolve call. */
function fakeServer(open: ConflictDto[], resolveStatus = 200) {
  const resolved: { id: string; keep: string }[] = [];
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(String(input), init);
    const path = new URL(req.url, 'http://localhost').pathname;
    if (path === '/api/villages') return json({ villages: [{ id: VILLAGE, townshipId: VILLAGE, code: 'V1', name: '东河村' }] });
    if (path === `/api/villages/${VILLAGE}/conflicts`) return json({ conflicts: open });
    const m = /^\/api\/conflicts\/([^/]+)\/resolve$/.exec(path);
    if (m && req.method === 'POST') {
      if (resolveStatus !== 200) return json({ error: { code: 'conflict_closed', message: '该冲突已被处理' } }, resolveStatus);
      const { keep } = (await req.json()) as { keep: string };
      resolved.push({ id: m[1], keep });
      open = open.filter((c) => c.id !== m[1]);
      return json({ ok: true });
    }
    return json({ error: { code: 'not_found', message: path } }, 404);
  });
  vi.stubGlobal('fetch', fetch);
  return { resolved };
}

async function open() {
  const { plugins, router } = testPlugins();
  await setCachedUser(me);
  await useAuthStore().restore();
  await router.push('/');
  return mount(ConflictView, { global: { plugins: plugins as never[] } });
}

beforeEach(async () => {
  await resetDb();
  toasts.showToast.mockClear();
});
afterEach(() => vi.unstubAllGlobals());

describe('ConflictView (数据冲突)', () => {
  it('shows each conflict with household, field, who sent it and both values in Chinese', async () => {
    fakeServer([
      conflict({}),
      conflict({ id: '0190a000-0000-7000-8000-0000000000c2', entity: 'person', field: 'birthYear', personName: '王小明', serverValue: 1988, clientValue: 1989 }),
      conflict({ id: '0190a000-0000-7000-8000-0000000000c3', field: 'consentPublic', serverValue: false, clientValue: true }),
    ]);
    const wrapper = await open();
    await eventually(() => expect(wrapper.findAll('[data-test="conflict-item"]')).toHaveLength(3));
    const items = wrapper.findAll('[data-test="conflict-item"]');
    expect(items[0].text()).toContain('王建国');
    expect(items[0].text()).toContain('电话');
    expect(items[0].text()).toContain('孙志强');
    expect(items[0].get('[data-test="conflict-server-value"]').text()).toBe('13800000017');
    expect(items[0].get('[data-test="conflict-client-value"]').text()).toBe('13900000017');
    // A person's field is named in Chinese too, with the person.
    expect(items[1].text()).toContain('王小明');
    expect(items[1].text()).toContain('出生年份');
    expect(items[1].text()).not.toContain('birthYear');
    // Yes/no values read as 是/否.
    expect(items[2].get('[data-test="conflict-server-value"]').text()).toBe('否');
    expect(items[2].get('[data-test="conflict-client-value"]').text()).toBe('是');
    wrapper.unmount();
  });

  it("applies the phone's value or keeps the current one, and the item leaves the list", async () => {
    const server = fakeServer([conflict({}), conflict({ id: '0190a000-0000-7000-8000-0000000000c2', field: 'groupNo', serverValue: 2, clientValue: 3 })]);
    const wrapper = await open();
    await eventually(() => expect(wrapper.findAll('[data-test="conflict-item"]')).toHaveLength(2));
    await wrapper.get('[data-conflict-id="0190a000-0000-7000-8000-0000000000c1"] [data-test="conflict-keep-client"]').trigger('click');
    await eventually(() => expect(wrapper.findAll('[data-test="conflict-item"]')).toHaveLength(1));
    await wrapper.get('[data-test="conflict-keep-server"]').trigger('click');
    await eventually(() => expect(wrapper.text()).toContain('暂无数据冲突'));
    expect(server.resolved).toEqual([
      { id: '0190a000-0000-7000-8000-0000000000c1', keep: 'client' },
      { id: '0190a000-0000-7000-8000-0000000000c2', keep: 'server' },
    ]);
    expect(toasts.showToast).toHaveBeenCalledWith(expect.objectContaining({ message: '已处理', type: 'success' }));
    wrapper.unmount();
  });

  it("says in Chinese why a resolution failed, and keeps the item", async () => {
    fakeServer([conflict({})], 409);
    const wrapper = await open();
    await eventually(() => expect(wrapper.findAll('[data-test="conflict-item"]')).toHaveLength(1));
    await wrapper.get('[data-test="conflict-keep-client"]').trigger('click');
    await eventually(() => expect(toasts.showToast).toHaveBeenCalledWith(expect.objectContaining({ message: '该冲突已被处理', type: 'fail' })));
    expect(wrapper.findAll('[data-test="conflict-item"]')).toHaveLength(1);
    wrapper.unmount();
  });
});
