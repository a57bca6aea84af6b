// Guardrail 10: every star level can be explained entry by entry, and (guardrail 3) a household
// can see how to restore its standing. One function for the household's page on the phone and on
// the server: the lines a resident reads, and what would raise the level.
import type { LocalEntryState } from './entry-state';
import { COUNTING_STATES, PENDING_STATES } from './entry-state';
import { DEFAULT_STAR_RULES, starLevel, type StarLevel, type StarRules } from './stars';
import { deductionCutoff, DEDUCTION_LIFETIME_MONTHS } from './tally';

export interface ExplainEntry {
  id: string; occurredOn: string; points: number; state: LocalEntryState; indicatorName: string;
}

export interface ExplainLine {
  entryId: string; occurredOn: string; indicatorName: string; points: number;
  /** Whether the points count in the standing now. */
  counts: boolean;
  /** Why (not): 已生效 / 待生效 / 已超过12个月不再计入 / 未通过… */
  why: string;
  /** Standing after this line (counting lines only; otherwise the standing so far). */
  runningStanding: number;
}

export interface Explanation {
  year: number; base: number; standing: number; stars: StarLevel;
  lines: ExplainLine[];
  /** Sentences: what would raise the level, and when deductions drop out. */
  toRaise: string[];
}

const STATE_WHY: Partial<Record<LocalEntryState, string>> = {
  queued: '尚未上传，不计入', submitted: '待审核，不计入', approved: '已审核，待公示', publicized: '公示中，期满无异议后计入',
  objected: '有异议待处理，暂不计入', rejected: '未通过审核，不计入', returned: '已退回修改，不计入', withdrawn: '已撤回，不计入',
  amended: '已更正（由新记录替代），不计入', reversed: '已被更正记录冲销，不计入',
};

/** The day a deduction that happened on `occurredOn` stops counting (12 months later). */
export function deductionDropsOutOn(occurredOn: string): string {
  const y = Number(occurredOn.slice(0, 4));
  const m = Number(occurredOn.slice(5, 7));
  const d = Number(occurredOn.slice(8, 10));
  const next = new Date(Date.UTC(y, m - 1 + DEDUCTION_LIFETIME_MONTHS, d));
  return next.toISOString().slice(0, 10);
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** Entries of the household and its members in the year, in any state; `today` decides which deductions dropped out. */
export function explainStanding(input: {
  year: number; base: number; today: string; entries: readonly ExplainEntry[]; rules?: StarRules;
}): Explanation {
  const rules = input.rules ?? DEFAULT_STAR_RULES;
  const cutoff = deductionCutoff(input.today);
  const inYear = input.entries.filter((e) => Number(e.occurredOn.slice(0, 4)) === input.year)
    .sort((a, b) => (a.occurredOn < b.occurredOn ? -1 : a.occurredOn > b.occurredOn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let running = input.base;
  let maxDeduction = 0;
  let pending = 0;
  const lines: ExplainLine[] = [];
  const liveDeductions: ExplainEntry[] = [];
  for (const e of inYear) {
    const effective = (COUNTING_STATES as readonly LocalEntryState[]).includes(e.state);
    const expired = effective && e.points < 0 && e.occurredOn <= cutoff;
    const counts = effective && !expired;
    if (counts) {
      running += e.points;
      if (e.points < 0) { maxDeduction = Math.max(maxDeduction, -e.points); liveDeductions.push(e); }
    }
    if ((PENDING_STATES as readonly LocalEntryState[]).includes(e.state)) pending += e.points;
    const why = expired ? `已超过${DEDUCTION_LIFETIME_MONTHS}个月，不再计入` : counts ? '已生效，计入' : STATE_WHY[e.state] ?? '不计入';
    lines.push({ entryId: e.id, occurredOn: e.occurredOn, indicatorName: e.indicatorName, points: e.points, counts, why, runningStanding: running });
  }
  const stars = starLevel(running, maxDeduction, rules);
  const toRaise: string[] = [];
  if (stars < 5) {
    const next = (stars + 1) as 2 | 3 | 4 | 5;
    const need = rules.thresholds[next] - running;
    if (need > 0) toRaise.push(`再得 ${need} 分可达到 ★${next}（需 ${rules.thresholds[next]} 分）。`);
    else if (next === 5) toRaise.push(`积分已达 ★5 标准，但有单次超过 ${rules.maxDeductionFor5} 分的扣分，该扣分不再计入后可评 ★5。`);
  }
  if (pending !== 0) toRaise.push(`另有 ${signed(pending)} 分在审核或公示中，公示期满无异议后计入。`);
  for (const d of liveDeductions) {
    toRaise.push(`${d.occurredOn}「${d.indicatorName}」${signed(d.points)} 分将于 ${deductionDropsOutOn(d.occurredOn)} 起不再计入。`);
  }
  return { year: input.year, base: input.base, standing: running, stars, lines, toRaise };
}
