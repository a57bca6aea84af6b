// Public notice (公示) rules shared by the server and the screens (domain.md "Entry life cycle":
// approved → publicized → effective, or → objected → effective | rejected | amended).

export const NOTICE_DAYS_DEFAULT = 7;
export const NOTICE_DAYS_MIN = 1;
/** The longest window the API accepts (and the publish dialog's stepper offers). */
export const NOTICE_DAYS_MAX = 60;
const DAY_MS = 24 * 3600 * 1000;

/** The window length: the request's, else the township's, else 7, within 1…60. */
export function noticeDays(requested: number | undefined, townshipDays: number | null | undefined): number {
  const d = requested ?? townshipDays ?? NOTICE_DAYS_DEFAULT;
  return Math.min(NOTICE_DAYS_MAX, Math.max(NOTICE_DAYS_MIN, Math.round(d)));
}

export function noticeEndsAt(startsAt: Date, days: number): Date {
  return new Date(startsAt.getTime() + days * DAY_MS);
}

/** One entry as the notice shows it. */
export interface NoticeEntryRow {
  entryId: string; householdId: string; householdNo: string; headName: string;
  indicatorNameZh: string; points: number; occurredOn: string; state: string;
}

/** A household's block on the notice; headName is null where the sheet must not name it. */
export interface NoticeHouseholdBlock {
  householdId: string; householdNo: string; headName: string | null;
  entries: (Omit<NoticeEntryRow, 'headName' | 'householdId' | 'householdNo'> & { showName: boolean })[];
  total: number;
}

/**
 * Groups a notice's entries by household (in household-number order). Guardrail 4 (no black lists):
 * unless the village's rules say so, a deduction is not shown next to a name: a household's
 * deductions form a block of their own that carries the household number only (headName null),
 * after its named block of positive entries.
 */
export function noticeHouseholds(rows: readonly NoticeEntryRow[], opts: { namesOnDeductions: boolean }): NoticeHouseholdBlock[] {
  const blocks = new Map<string, { householdId: string; no: string; name: string | null; entries: NoticeHouseholdBlock['entries'] }>();
  for (const r of rows) {
    const showName = r.points >= 0 || opts.namesOnDeductions;
    const key = `${r.householdId}|${showName ? 'named' : 'number'}`;
    let b = blocks.get(key);
    if (!b) blocks.set(key, (b = { householdId: r.householdId, no: r.householdNo, name: showName ? r.headName : null, entries: [] }));
    b.entries.push({ entryId: r.entryId, indicatorNameZh: r.indicatorNameZh, points: r.points, occurredOn: r.occurredOn, state: r.state, showName });
  }
  return [...blocks.values()]
    .map((b) => ({
      householdId: b.householdId, householdNo: b.no, headName: b.name,
      entries: b.entries.sort((x, y) => x.occurredOn.localeCompare(y.occurredOn) || x.entryId.localeCompare(y.entryId)),
      total: b.entries.reduce((sum, e) => sum + e.points, 0),
    }))
    .sort((a, b) => a.householdNo.localeCompare(b.householdNo, 'zh-CN', { numeric: true }) || a.householdId.localeCompare(b.householdId)
      || Number(b.headName !== null) - Number(a.headName !== null));
}

export const OBJECTION_RESOLUTIONS = ['upheld', 'dismissed', 'amended'] as const;
export type ObjectionResolution = (typeof OBJECTION_RESOLUTIONS)[number];
export type ObjectionStatus = 'pending' | ObjectionResolution;

/**
 * Where an objected entry goes when one of its objections is resolved:
 * - upheld → rejected (every other pending objection of the entry is settled with it);
 * - amended → amended, replaced by a new entry (publicized while the window runs, else effective);
 * - dismissed → stays objected while another objection is pending; else publicized while the
 *   window runs, effective once it has closed.
 */
export function entryAfterResolution(resolution: ObjectionResolution, opts: { windowOpen: boolean; otherPending: number }):
  { entry: 'rejected' | 'amended' | 'publicized' | 'effective' | 'objected'; replacement: 'publicized' | 'effective' | null } {
  const settled = opts.windowOpen ? 'publicized' as const : 'effective' as const;
  if (resolution === 'upheld') return { entry: 'rejected', replacement: null };
  if (resolution === 'amended') return { entry: 'amended', replacement: settled };
  return { entry: opts.otherPending > 0 ? 'objected' : settled, replacement: null };
}

/** Corrected points of an amendment: non-zero, the sign of the original, different from it, within the indicator's size. */
export function checkAmendedPoints(original: number, amended: number, indicator: { pointsMin: number; pointsMax: number } | null):
  { ok: true } | { ok: false; message: string } {
  if (!Number.isInteger(amended) || amended === 0) return { ok: false, message: '更正后的分值须为非零整数' };
  if (Math.sign(amended) !== Math.sign(original)) return { ok: false, message: '更正不能把加分改为扣分或把扣分改为加分' };
  if (amended === original) return { ok: false, message: '更正后的分值与原分值相同' };
  const limit = indicator ? Math.max(Math.abs(indicator.pointsMin), Math.abs(indicator.pointsMax)) : Math.abs(original);
  if (Math.abs(amended) > limit) return { ok: false, message: `更正后的分值不能超过该指标的 ${limit} 分` };
  return { ok: true };
}
