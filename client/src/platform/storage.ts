// The browser's storage manager: how much the app uses, and whether its data is protected from
// eviction under storage pressure (sync.md "Browser storage eviction"). Every call tolerates a
// browser without the API (old WebViews): the answer is then "unknown".
import type { StorageState } from '../domain/sync-status';

function manager(): StorageManager | null {
  return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : null;
}

export async function readStorageState(): Promise<StorageState> {
  const sm = manager();
  const [estimate, persisted] = await Promise.all([
    sm?.estimate ? sm.estimate().catch(() => null) : Promise.resolve(null),
    sm?.persisted ? sm.persisted().catch(() => null) : Promise.resolve(null),
  ]);
  return {
    usage: typeof estimate?.usage === 'number' ? estimate.usage : null,
    quota: typeof estimate?.quota === 'number' ? estimate.quota : null,
    persisted,
  };
}

/** Asks for persistent storage; null when the browser has no such request. */
export async function requestPersistentStorage(): Promise<boolean | null> {
  const sm = manager();
  if (!sm?.persist) return null;
  return sm.persist().catch(() => false);
}
