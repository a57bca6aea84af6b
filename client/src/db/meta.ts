// Typed access to the `meta` key/value table.
import { uuidv7 } from 'uuidv7';
import { db } from './db';
import type { Me } from '../api/types';

export const META = {
  deviceId: 'deviceId',
  deviceSeq: 'deviceSeq',
  lastSyncAt: 'lastSyncAt',
  user: 'user',
  residentHousehold: 'residentHousehold',
  /** SCHEMA_VERSION the pulled rows were stored under. */
  schemaVersion: 'schemaVersion',
  /** Display names of users whose items are on this phone: { [userId]: displayName }. */
  knownUsers: 'knownUsers',
  /** Scopes the server took away whose rows wait for their outbox items (apply-pull.ts). */
  revokedScopes: 'revokedScopes',
  /** navigator.storage.persist(): { askedAt, granted } after the first login of a syncing user. */
  persist: 'persist',
  /** ISO time of the last export of unsent work. */
  lastExportAt: 'lastExportAt',
  /** The IndexedDB lease that stands in for Web Locks (sync/lease.ts). */
  syncLease: 'syncLease',
  /** Number of the last record of pulled entries written (db/entries.ts): later ones win. */
  entryWriteSeq: 'entryWriteSeq',
} as const;

const CURSOR_PREFIX = 'cursor:';
export const cursorKey = (scope: string) => `${CURSOR_PREFIX}${scope}`;

export async function getMeta<T>(key: string): Promise<T | undefined> {
  const row = await db.meta.get(key);
  return row?.value as T | undefined;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await db.meta.put({ key, value });
}

/** The installation's device id, created on first use. */
export async function getDeviceId(): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await db.meta.get(META.deviceId);
    if (typeof existing?.value === 'string') return existing.value;
    const id = uuidv7();
    await db.meta.put({ key: META.deviceId, value: id });
    return id;
  });
}

/** Cursors per scope, as the sync request wants them. */
export async function readCursors(): Promise<Record<string, number>> {
  const rows = await db.meta.where('key').startsWith(CURSOR_PREFIX).toArray();
  const out: Record<string, number> = {};
  for (const r of rows) if (typeof r.value === 'number') out[r.key.slice(CURSOR_PREFIX.length)] = r.value;
  return out;
}

export const getCachedUser = () => getMeta<Me>(META.user);

/** Makes `user` the phone's user and remembers their name (shown for items they left behind). */
export async function setCachedUser(user: Me): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const known = ((await db.meta.get(META.knownUsers))?.value ?? {}) as Record<string, string>;
    await db.meta.bulkPut([
      { key: META.user, value: user },
      { key: META.knownUsers, value: { ...known, [user.id]: user.displayName } },
    ]);
  });
}

/** Display names of users whose work is or was on this phone. */
export async function knownUsers(): Promise<Record<string, string>> {
  return ((await getMeta<Record<string, string>>(META.knownUsers)) ?? {});
}

/**
 * Another user logs in on this phone: the previous user's village data goes, but every outbox item
 * (of any user) and the local entries they carry stay, so that unsent work is neither lost nor
 * sent under the wrong session. Cursors go too: the new user's pull starts from scratch.
 */
export async function clearForUserSwitch(): Promise<void> {
  const pulled = [db.villages, db.households, db.persons, db.householdEntries, db.catalogVersions, db.indicators, db.creditKinds];
  await db.transaction('rw', [db.meta, db.entries, db.creditRecords, db.outbox, ...pulled], async () => {
    const carried = new Set((await db.outbox.toArray()).map((i) => i.entityId));
    await Promise.all(pulled.map((t) => t.clear()));
    await db.entries.filter((e) => !carried.has(e.id)).delete();
    await db.creditRecords.filter((r) => !carried.has(r.id)).delete();
    const keep: string[] = [META.deviceId, META.deviceSeq, META.knownUsers, META.schemaVersion];
    await db.meta.where('key').noneOf(keep).delete();
  });
}

/**
 * Removes every personal record from the phone (logout).
 * The device id and its sequence counter stay: the sequence must keep increasing per device.
 */
export async function clearLocalData(): Promise<void> {
  const tables = [db.villages, db.households, db.persons, db.entries, db.householdEntries, db.catalogVersions, db.indicators, db.outbox, db.creditRecords, db.creditKinds];
  await db.transaction('rw', [db.meta, ...tables], async () => {
    await Promise.all(tables.map((t) => t.clear()));
    await db.meta.where('key').noneOf([META.deviceId, META.deviceSeq]).delete();
  });
}
