import { api } from './client';
import { call, type JsonResponse } from './http';
import type { SyncRequest, SyncResponse } from '../../../shared/protocol/sync';

// The answer's pulled rows are `unknown[][]`, which the JSON-inferred route type cannot express;
// the protocol types of shared/protocol/sync.ts are the contract here.
export const postSync = (req: SyncRequest) =>
  call<SyncResponse>(() => api.sync.$post({ json: req }) as unknown as Promise<JsonResponse<SyncResponse>>);

/** The server's public key for sealing ID numbers (GET /api/sync/id-key). */
export interface IdKeyAnswer { scheme: 'e1'; keyId: string; publicKey: string; curve: 'P-256' }
export const fetchIdKey = () =>
  call<IdKeyAnswer>(() => api.sync['id-key'].$get() as unknown as Promise<JsonResponse<IdKeyAnswer>>);
