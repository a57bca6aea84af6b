// Residents (issue 9, docs/api.md "Residents"): QR login, consent, correction requests, and the
// village admin's side (QR slips, PINs, the correction queue).
import { api } from './client';
import { call } from './http';
import type { ConsentState } from '../../../shared/domain/consent';
import type { CorrectionField } from '../../../shared/domain/residents';

export const qrLogin = (token: string) =>
  call(() => api.auth['resident-qr-login'].$post({ json: { token } }), { skipUnauthorizedHook: true });

export const fetchConsents = (householdId: string) =>
  call(() => api.households[':householdId'].consents.$get({ param: { householdId } }));
export const saveConsents = (householdId: string, consents: ConsentState, guardian: boolean) =>
  call(() => api.households[':householdId'].consents.$put({ param: { householdId }, json: { consents, guardian } }));

export const fetchCorrections = (householdId: string) =>
  call(() => api.households[':householdId'].corrections.$get({ param: { householdId } }));
export const fileCorrection = (householdId: string, body: { personId: string | null; field: CorrectionField; requested?: string; note?: string }) =>
  call(() => api.households[':householdId'].corrections.$post({ param: { householdId }, json: body }));

export const fetchVillageCorrections = (villageId: string, status?: 'pending' | 'done' | 'refused') =>
  call(() => api.villages[':villageId'].corrections.$get({ param: { villageId }, query: status ? { status } : {} }));
export const resolveCorrection = (householdId: string, correctionId: string, outcome: 'done' | 'refused', note: string) =>
  call(() => api.households[':householdId'].corrections[':correctionId'].resolution.$post({ param: { householdId, correctionId }, json: { outcome, note } }));

export const fetchQrSlips = (villageId: string) =>
  call(() => api.villages[':villageId']['qr-slips'].$get({ param: { villageId } }));
export const issueQrSlips = (villageId: string, householdIds: string[]) =>
  call(() => api.villages[':villageId']['qr-slips'].$post({ param: { villageId }, json: { householdIds } }));
export const revokeQrSlip = (householdId: string, slipId: string) =>
  call(() => api.households[':householdId']['qr-slips'][':slipId'].revoke.$post({ param: { householdId, slipId } }));

export const setResidentPin = (householdId: string, personId: string, pin: string) =>
  call(() => api.households[':householdId']['resident-pin'].$post({ param: { householdId }, json: { personId, pin } }));
