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
export const setCachedUser = (user: Me) => setMeta(META.user, user);

/**
 * Removes every personal record from the phone (logout, or another user on this phone).
 * The device id and its sequence counter stay: the sequence must keep increasing per device.
 */
export async function clearLocalData(): Promise<void> {
  const tables = [db.villages, db.households, db.persons, db.entries, db.catalogVersions, db.indicators, db.outbox];
  await db.transaction('rw', [db.meta, ...tables], async () => {
    await Promise.all(tables.map((t) => t.clear()));
    await db.meta.where('key').noneOf([META.deviceId, META.deviceSeq]).delete();
  });
}
