// What an objection looks like to the committee (staff: who filed it, how to reach them) and to
// its filer (status and the committee's reason only).
import type { ObjectionListItem, ObjectionRecord } from '../../repositories/objections';

export interface ObjectionDto {
  id: string; noticeId: string; entryId: string; villageId: string; householdId: string;
  householdNo?: string; headName?: string; indicatorNameZh?: string; points?: number; occurredOn?: string; entryState?: string; noticeEndsAt?: string;
  grounds: string; status: string; resolutionReason: string | null; resolvedAt: string | null; replacementEntryId: string | null; createdAt: string;
  /** Staff only: how the objection came in and whom to answer. */
  filer?: { kind: 'resident' | 'link'; name: string | null; phone: string | null; householdId: string | null };
}

export function toObjectionDto(o: ObjectionRecord | ObjectionListItem, opts: { staff: boolean }): ObjectionDto {
  const listed = 'householdNo' in o ? {
    householdNo: o.householdNo, headName: o.headName, indicatorNameZh: o.indicatorNameZh, points: o.points,
    occurredOn: o.occurredOn, entryState: o.entryState, noticeEndsAt: o.noticeEndsAt,
  } : {};
  return {
    id: o.id, noticeId: o.noticeId, entryId: o.entryId, villageId: o.villageId, householdId: o.householdId, ...listed,
    grounds: o.grounds, status: o.status, resolutionReason: o.resolutionReason, resolvedAt: o.resolvedAt,
    replacementEntryId: o.replacementEntryId, createdAt: o.createdAt,
    ...(opts.staff ? { filer: { kind: o.filedBy ? 'resident' as const : 'link' as const, name: o.filerName, phone: o.filerPhone, householdId: o.filerHouseholdId } } : {}),
  };
}
