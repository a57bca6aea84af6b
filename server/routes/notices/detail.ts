// A notice as its sheet and its pages show it: village, window, households with their entries
// (names on deduction rows only where the village's rules allow), and objection counts.
import type { Deps } from '../../context';
import { notFound } from '../../http/errors';
import { findNotice, isWindowOpen } from '../../repositories/notices';
import { findNamesOnDeductions, findNoticeLink, findVillageName, insertNoticeLink, listNoticeEntries } from '../../repositories/notice-details';
import { countObjectionsOfNotice } from '../../repositories/objections';
import { noticeHouseholds, type NoticeHouseholdBlock } from '../../../shared/domain/notice';
import { hashToken, noticeLinkToken, objectionPagePath } from './link-token';

export interface NoticeDetail {
  notice: {
    id: string; villageId: string; villageName: string; townshipName: string; startsAt: string; endsAt: string; status: string;
    windowOpen: boolean; periodFrom: string | null; periodTo: string | null; entryCount: number; householdCount: number;
    namesOnDeductions: boolean; objections: { pending: number; total: number };
  };
  households: NoticeHouseholdBlock[];
}

export async function loadNoticeDetail(deps: Deps, noticeId: string): Promise<NoticeDetail> {
  const notice = await findNotice(deps.db, noticeId);
  if (!notice) throw notFound('公示不存在');
  const [village, link, names, rows, objections] = await Promise.all([
    findVillageName(deps.db, notice.villageId), findNoticeLink(deps.db, notice.id), findNamesOnDeductions(deps.db, notice.villageId),
    listNoticeEntries(deps.db, notice.id), countObjectionsOfNotice(deps.db, notice.id),
  ]);
  const households = noticeHouseholds(rows, { namesOnDeductions: names });
  return {
    notice: {
      id: notice.id, villageId: notice.villageId, villageName: village?.name ?? '', townshipName: village?.townshipName ?? '',
      startsAt: notice.startsAt, endsAt: notice.endsAt, status: notice.status, windowOpen: isWindowOpen(notice, deps.now().toISOString()),
      periodFrom: link?.periodFrom ?? null, periodTo: link?.periodTo ?? null, entryCount: rows.length, householdCount: households.length,
      namesOnDeductions: names, objections,
    },
    households,
  };
}

/** The QR link's path for staff; a notice written before links existed gets its link row now. */
export async function objectionPathOf(deps: Deps, noticeId: string): Promise<string> {
  const token = noticeLinkToken(deps.pii, noticeId);
  await insertNoticeLink(deps.db, { noticeId, tokenHash: hashToken(token), periodFrom: null, periodTo: null });
  return objectionPagePath(token);
}
