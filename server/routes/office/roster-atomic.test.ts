// The roster import is all or nothing: a failure half-way through its writes (here the third new
// person) leaves the roster, the change log and the import's state exactly as they were. A large
// file reports its progress while the dry run reads it. SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDialects } from '../../test/databases';
import { createFixture, type Fixture } from '../../test/fixtures';
import { pendingDryRuns } from './roster-routes';
import type * as RosterRepo from '../../repositories/roster';
import type * as ImportRepo from '../../repositories/roster-imports';

const failOn = vi.hoisted(() => ({ call: 0, at: 0 }));
vi.mock('../../repositories/roster', async (importOriginal) => {
  const orig = await importOriginal<typeof RosterRepo>();
  return {
    ...orig,
    insertPerson: vi.fn(async (...args: Parameters<typeof orig.insertPerson>) => {
      failOn.call++;
      if (failOn.at && failOn.call === failOn.at) throw new Error('disk full (test)');
      return orig.insertPerson(...args);
    }),
  };
});
const progress = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock('../../repositories/roster-imports', async (importOriginal) => {
  const orig = await importOriginal<typeof ImportRepo>();
  return {
    ...orig,
    setImportProgress: vi.fn(async (db: Parameters<typeof orig.setImportProgress>[0], id: string, done: number, total: number) => {
      progress.calls.push([done, total]);
      return orig.setImportProgress(db, id, done, total);
    }),
  };
});

const csv = (rows: string[]) => Buffer.from(['户号,姓名,与户主关系', ...rows, ''].join('\n'), 'utf8').toString('base64');

describe.each(await testDialects())('roster import atomicity on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });
  const base = () => `/api/township/villages/${fx.ids.v1}/roster-imports`;
  const count = async (table: 'persons' | 'households' | 'changes') => Number((await fx.deps.db.selectFrom(table).select(fx.deps.db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  async function upload(contentBase64: string) {
    const { import: imp } = await (await fx.request('township', 'POST', base(), { fileName: 'r.csv', contentBase64 })).json();
    await pendingDryRuns.get(imp.id);
    return imp.id as string;
  }

  it('a failure at the third person writes nothing, and the same import then succeeds', async () => {
    const id = await upload(csv(['0201,甲一,户主', '0201,甲二,妻', '0202,乙一,户主', '0202,乙二,子']));
    const before = { persons: await count('persons'), households: await count('households'), changes: await count('changes') };
    failOn.call = 0;
    failOn.at = 3;
    const failed = await fx.request('township', 'POST', `${base()}/${id}/apply`, {});
    expect(failed.status).toBe(500);
    expect({ persons: await count('persons'), households: await count('households'), changes: await count('changes') }).toEqual(before);
    expect((await (await fx.request('township', 'GET', `${base()}/${id}`)).json()).import.status).toBe('ready');
    const audit = await fx.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'roster.import').execute();
    expect(audit).toEqual([]);

    failOn.at = 0;
    const ok = await fx.request('township', 'POST', `${base()}/${id}/apply`, {});
    expect((await ok.json()).result).toMatchObject({ households: 2, persons: 4 });
    expect(await count('persons')).toBe(before.persons + 4);
  });

  it('a large file reports its progress while the dry run reads it', async () => {
    progress.calls.length = 0;
    const rows = Array.from({ length: 2400 }, (_, i) => `${String(1000 + Math.floor(i / 4))},村民${i},${i % 4 === 0 ? '户主' : '子'}`);
    const id = await upload(csv(rows));
    expect(progress.calls.map(([done]) => done)).toEqual([500, 1000, 1500, 2000, 2400]);
    const detail = await (await fx.request('township', 'GET', `${base()}/${id}`)).json();
    expect(detail.import).toMatchObject({ status: 'ready', rowsTotal: 2400, rowsDone: 2400 });
    expect(detail.import.counts.create).toBe(2400);
  });
});
