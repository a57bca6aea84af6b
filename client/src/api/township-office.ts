// The township office (issue 11): roster imports and exports, users, the honour board, and the
// catalogue versions. Downloads (export, an import's file) are plain same-origin links.
import { api } from './client';
import { call } from './http';

const village = (villageId: string) => ({ param: { villageId } });
const imp = (villageId: string, importId: string) => ({ param: { villageId, importId } });

export const listRosterImports = (villageId: string) => call(() => api.township.villages[':villageId']['roster-imports'].$get(village(villageId)));
export const uploadRoster = (villageId: string, fileName: string, contentBase64: string) =>
  call(() => api.township.villages[':villageId']['roster-imports'].$post({ ...village(villageId), json: { fileName, contentBase64 } }));
export const fetchRosterImport = (villageId: string, importId: string) =>
  call(() => api.township.villages[':villageId']['roster-imports'][':importId'].$get(imp(villageId, importId)));
export const applyRosterImport = (villageId: string, importId: string, skipErrorRows: boolean) =>
  call(() => api.township.villages[':villageId']['roster-imports'][':importId'].apply.$post({ ...imp(villageId, importId), json: { skipErrorRows } }));
export const rosterExportUrl = (villageId: string, format: 'csv' | 'xlsx') => `/api/township/villages/${encodeURIComponent(villageId)}/roster-export?format=${format}`;
export const rosterFileUrl = (villageId: string, importId: string) =>
  `/api/township/villages/${encodeURIComponent(villageId)}/roster-imports/${encodeURIComponent(importId)}/file`;
export const fetchHonourBoard = (villageId: string) => call(() => api.township.villages[':villageId']['honour-board'].$get(village(villageId)));

export const listUsers = (residents: boolean) => call(() => api.township.users.$get({ query: { residents: residents ? '1' : '0' } }));
export const createUser = (body: { username: string; displayName: string; role: 'collector' | 'committee'; password: string; villageIds: string[] }) =>
  call(() => api.township.users.$post({ json: body }));
export const updateUser = (userId: string, body: { displayName?: string; villageIds?: string[]; active?: boolean }) =>
  call(() => api.township.users[':userId'].$patch({ param: { userId }, json: body }));
export const resetPassword = (userId: string, password: string) => call(() => api.township.users[':userId'].password.$post({ param: { userId }, json: { password } }));
export const resetPin = (userId: string, pin: string) => call(() => api.township.users[':userId'].pin.$post({ param: { userId }, json: { pin } }));
export const revokeSessions = (userId: string) => call(() => api.township.users[':userId']['revoke-sessions'].$post({ param: { userId } }));

export const listCatalogVersions = () => call(() => api.catalog.versions.$get());
export const fetchCatalogVersion = (versionId: string) => call(() => api.catalog.versions[':versionId'].$get({ param: { versionId } }));
export const draftCatalogVersion = (name: string, effectiveFrom: string) => call(() => api.catalog.versions.$post({ json: { name, effectiveFrom } }));
export type IndicatorInput = Parameters<typeof api.catalog.versions[':versionId']['indicators'][':code']['$put']>[0]['json'];
export const saveIndicator = (versionId: string, code: string, body: IndicatorInput) =>
  call(() => api.catalog.versions[':versionId'].indicators[':code'].$put({ param: { versionId, code }, json: body }));
export const deleteIndicator = (versionId: string, code: string) =>
  fetch(`/api/catalog/versions/${encodeURIComponent(versionId)}/indicators/${encodeURIComponent(code)}`, { method: 'DELETE', credentials: 'same-origin' })
    .then(async (r) => { if (!r.ok) throw new Error((await r.json().catch(() => null))?.error?.message ?? r.statusText); });
export const publishCatalogVersion = (versionId: string, effectiveFrom: string) =>
  call(() => api.catalog.versions[':versionId'].publish.$post({ param: { versionId }, json: { effectiveFrom } }));

/** A file's bytes as base64, in slices (a large file would overflow String.fromCharCode's arguments). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
