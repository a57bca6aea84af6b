// Simulated phones running the REAL client code (client/src/db/*, client/src/sync/runner.ts,
// client/src/api/http.ts) under fake-indexeddb, in this Node process.
//
// The client modules share one Dexie singleton (`db` in client/src/db/db.ts, named 'cunxin'),
// so one module graph is one browser tab. A tab is therefore loaded as its own module graph
// (vi.resetModules + dynamic import); a phone is its own IndexedDB (a fresh fake-indexeddb
// IDBFactory handed to Dexie while the tab's db.ts is evaluated). Two tabs of one phone share
// the phone's IndexedDB: two Dexie connections to the same database, as in a browser.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { Dexie } from 'dexie';
import { vi } from 'vitest';

import type * as DbModule from '../../../client/src/db/db';
import type * as OutboxModule from '../../../client/src/db/outbox';
import type * as EntriesModule from '../../../client/src/db/entries';
import type * as MetaModule from '../../../client/src/db/meta';
import type * as RunnerModule from '../../../client/src/sync/runner';
import type * as HttpModule from '../../../client/src/api/http';

/** One tab: its own instances of the client modules, bound to its phone's IndexedDB. */
export interface Tab {
  db: typeof DbModule.db;
  outbox: typeof OutboxModule;
  entries: typeof EntriesModule;
  meta: typeof MetaModule;
  runnerModule: typeof RunnerModule;
  http: typeof HttpModule;
}

let loading: Promise<unknown> = Promise.resolve();

/** Loads a fresh module graph of the client whose Dexie database lives in `factory`. */
export function loadTab(factory: IDBFactory): Promise<Tab> {
  // Serialised: Dexie.dependencies is process-wide while a graph is being evaluated.
  const next = loading.then(async () => {
    const saved = Dexie.dependencies.indexedDB;
    Dexie.dependencies.indexedDB = factory;
    try {
      vi.resetModules();
      const runnerModule = await import('../../../client/src/sync/runner');
      const dbModule = await import('../../../client/src/db/db');
      const outbox = await import('../../../client/src/db/outbox');
      const entries = await import('../../../client/src/db/entries');
      const meta = await import('../../../client/src/db/meta');
      const http = await import('../../../client/src/api/http');
      return { db: dbModule.db, outbox, entries, meta, runnerModule, http };
    } finally {
      Dexie.dependencies.indexedDB = saved;
    }
  });
  loading = next.catch(() => {});
  return next;
}

export function newPhoneStorage(): IDBFactory {
  return new IDBFactory();
}

/**
 * navigator.locks for one phone (shared by its tabs), as far as the runner uses it:
 * request(name, { ifAvailable: true }, cb) calls cb(null) when the lock is held elsewhere.
 */
export class PhoneLocks {
  private readonly held = new Set<string>();

  async request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: { name: string } | null) => Promise<T>): Promise<T> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      throw new Error('PhoneLocks: only ifAvailable requests are modelled');
    }
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
    }
  }

  asLockManager(): LockManager {
    return this as unknown as LockManager;
  }
}
