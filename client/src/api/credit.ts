// The credit ledger's API (docs/api.md /api/credit/…): its own ledger, never moral points.
import { api } from './client';
import { call } from './http';

export type Grade = 'AAA' | 'AA' | 'A' | 'none';
export type RatedGrade = Exclude<Grade, 'none'>;
const c = api.credit;

export const fetchCreditKinds = (villageId: string) => call(() => c.villages[':villageId'].kinds.$get({ param: { villageId } }));
export const fetchCreditRecords = (villageId: string, state?: 'submitted' | 'approved') =>
  call(() => c.villages[':villageId'].records.$get({ param: { villageId }, query: state ? { state } : {} }));
export interface OfficeRecord {
  householdId: string; personId: string | null; kind: string; source: string; occurredOn: string; documentNo: string; issuer: string; note: string;
  /** Photos already uploaded (PUT /api/evidence/:sha256); the server links only those it holds complete. */
  evidence?: { hash: string; size: number; type: string; takenAt: string }[];
}
export const enterCreditRecord = (villageId: string, json: OfficeRecord) => call(() => c.villages[':villageId'].records.$post({ param: { villageId }, json }));
export const decideCreditRecord = (creditRecordId: string, decision: 'approve' | 'reject' | 'return', reason: string, issuer?: string) =>
  call(() => c.records[':creditRecordId'].decisions.$post({ param: { creditRecordId }, json: { decision, reason, ...(issuer ? { issuer } : {}) } }));
export const reverseCreditRecord = (creditRecordId: string, reason: string) =>
  call(() => c.records[':creditRecordId'].reversals.$post({ param: { creditRecordId }, json: { reason } }));

export const fetchRounds = (villageId: string) => call(() => c.villages[':villageId'].rounds.$get({ param: { villageId } }));
export const openRound = (villageId: string, periodLabel: string) => call(() => c.villages[':villageId'].rounds.$post({ param: { villageId }, json: { periodLabel } }));
export const fetchRound = (roundId: string) => call(() => c.rounds[':roundId'].$get({ param: { roundId } }));
export interface RatingInput { householdId: string; grade: Grade | null; unknownReason: 'not_acquainted' | 'moved_in_recently' | 'away_long' | 'relative_recusal' | null }
export const submitRatings = (roundId: string, ratings: RatingInput[]) => call(() => c.rounds[':roundId'].ratings.$post({ param: { roundId }, json: { ratings } }));
export const resolveDisagreement = (roundId: string, householdId: string, grade: Grade, note: string) =>
  call(() => c.rounds[':roundId'].resolutions.$post({ param: { roundId }, json: { householdId, grade, note } }));
export const postRound = (roundId: string, days?: number) => call(() => c.rounds[':roundId'].post.$post({ param: { roundId }, json: days ? { days } : {} }));
export const fixRound = (roundId: string) => call(() => c.rounds[':roundId'].fix.$post({ param: { roundId } }));
export const drawSample = (roundId: string, share: number) => call(() => c.rounds[':roundId'].sample.$post({ param: { roundId }, json: { share } }));
export const checkSample = (roundId: string, householdId: string, grade: Grade, note: string) =>
  call(() => c.rounds[':roundId']['sample-checks'].$post({ param: { roundId }, json: { householdId, grade, note } }));
export const fetchTownshipRounds = () => call(() => c.township.rounds.$get());

export const fetchHouseholdCredit = (householdId: string) => call(() => c.households[':householdId'].$get({ param: { householdId } }));
export type HouseholdCreditDto = Awaited<ReturnType<typeof fetchHouseholdCredit>>;
export type RoundViewDto = Awaited<ReturnType<typeof fetchRound>>;
export const fileCreditRequest = (householdId: string, json: { kind: 'record_objection' | 'round_objection' | 'repair'; recordId?: string | null; roundId?: string | null; grounds: string }) =>
  call(() => c.households[':householdId'].requests.$post({ param: { householdId }, json }));
export const fetchCreditRequests = (villageId: string) => call(() => c.villages[':villageId'].requests.$get({ param: { villageId } }));
export const decideCreditRequest = (villageId: string, requestId: string, decision: 'uphold' | 'dismiss', resolution: string, grade?: Grade) =>
  call(() => c.villages[':villageId'].requests[':requestId'].decisions.$post({ param: { villageId, requestId }, json: { decision, resolution, ...(grade ? { grade } : {}) } }));

export const fetchTownshipKinds = () => call(() => c.township.kinds.$get());
export const saveTownshipKind = (json: { code: string; nameZh: string; nameEn: string; negative: boolean; documentRequired: boolean; sources: ('village' | 'bank' | 'township' | 'court')[]; active: boolean; sort: number }) =>
  call(() => c.township.kinds.$post({ json }));
export const fetchGradeRules = () => call(() => c.township['grade-rules'].$get());
export type GradeRulesInput = Parameters<typeof c.township['grade-rules']['$post']>[0]['json'];
export const saveGradeRules = (json: GradeRulesInput) => call(() => c.township['grade-rules'].$post({ json }));
export const fetchPerks = () => call(() => c.township.perks.$get());
export const savePerk = (json: { id?: string; minGrade: RatedGrade; name: string; provider: string; conditions: string; active: boolean }) => call(() => c.township.perks.$post({ json }));
