// The household credit grade (AAA / AA / A / not rated), computed ONLY from credit records and the
// village's fixed evaluation-round result (guardrail 1: nothing here knows of moral points), by
// rules a township configures and versions, explained record by record (guardrail 10). Pure.
//
// A negative record counts at most five years from its date (guardrail 8), and stops earlier when
// it is repaired (信用修复: the obligation fulfilled and the minimum period passed, granted by the
// village committee). Positive records count for `positiveYears`.

export const GRADES = ['AAA', 'AA', 'A', 'none'] as const;
export type Grade = (typeof GRADES)[number];
export type RatedGrade = Exclude<Grade, 'none'>;
export const GRADE_NAMES: Record<Grade, string> = { AAA: 'AAA', AA: 'AA', A: 'A', none: '未评级' };
export const gradeRank = (g: Grade | null | undefined): number => (g === 'AAA' ? 3 : g === 'AA' ? 2 : g === 'A' ? 1 : 0);
export const isGrade = (v: unknown): v is Grade => typeof v === 'string' && (GRADES as readonly string[]).includes(v);

/** Negative credit records are kept and counted at most this long (guardrail 8). */
export const NEGATIVE_MAX_YEARS = 5;

export interface GradeLevel {
  grade: RatedGrade;
  /** Sum of the points of the positive records that count. */
  minScore: number;
  /** The evaluation result needed at least (null: none needed). */
  minEvaluation: RatedGrade | null;
  /** Negative records that count, at most. */
  maxNegative: number;
}

export interface GradeRules {
  /** Points per positive kind code; kinds not listed get defaultPoints. */
  kindPoints: Record<string, number>;
  defaultPoints: number;
  /** Positive records count this many years from their date. */
  positiveYears: number;
  /** Months after its date before a fulfilled negative record can be repaired. */
  repairMinMonths: number;
  /** Highest first. */
  levels: GradeLevel[];
}

export const DEFAULT_GRADE_RULES: GradeRules = {
  kindPoints: { loan_repaid: 2, arrears_settled: 2, honour: 3, volunteer_star: 2, court_judgment_fulfilled: 1 },
  defaultPoints: 1,
  positiveYears: 3,
  repairMinMonths: 12,
  levels: [
    { grade: 'AAA', minScore: 6, minEvaluation: 'AAA', maxNegative: 0 },
    { grade: 'AA', minScore: 3, minEvaluation: 'AA', maxNegative: 0 },
    { grade: 'A', minScore: 0, minEvaluation: 'A', maxNegative: 1 },
  ],
};

/** A township's rules, checked; the first problem in Chinese. */
export function checkGradeRules(r: GradeRules): { ok: true } | { ok: false; message: string } {
  if (!Number.isInteger(r.positiveYears) || r.positiveYears < 1 || r.positiveYears > 10) return { ok: false, message: '正面记录计分年限应为 1–10 年' };
  if (!Number.isInteger(r.repairMinMonths) || r.repairMinMonths < 0 || r.repairMinMonths > 60) return { ok: false, message: '信用修复最短期限应为 0–60 个月' };
  const grades = r.levels.map((l) => l.grade);
  if (new Set(grades).size !== grades.length || grades.length === 0) return { ok: false, message: '每个等级只能设一条规则' };
  for (let i = 1; i < r.levels.length; i++) {
    if (gradeRank(r.levels[i].grade) >= gradeRank(r.levels[i - 1].grade)) return { ok: false, message: '等级规则须从高到低排列' };
  }
  for (const l of r.levels) {
    if (l.minScore < 0 || l.maxNegative < 0) return { ok: false, message: '分数和负面记录条数不能为负' };
  }
  return { ok: true };
}

export interface GradeRecord {
  id: string;
  kind: string;
  kindNameZh: string;
  negative: boolean;
  occurredOn: string;
  documentNo: string;
  state: string;
  /** A reversing record names the record it corrects; it never counts itself. */
  reverses: string | null;
  /** Date a repair was granted (信用修复), if any. */
  repairedOn: string | null;
}

export interface EvaluationOutcome { grade: Grade; periodLabel: string }

/** 'YYYY-MM-DD' plus whole years / months (29 February falls to 1 March). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  if (d > last) return nm === 12 ? `${ny + 1}-01-01` : `${ny}-${String(nm + 1).padStart(2, '0')}-01`;
  return `${ny}-${String(nm).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
export const addYears = (date: string, years: number) => addMonths(date, years * 12);

/** The last day a negative record may be kept (and counted): five years from its date. */
export const negativeKeptUntil = (occurredOn: string) => addYears(occurredOn, NEGATIVE_MAX_YEARS);

export type RecordStanding =
  | { counts: true; until: string }
  | { counts: false; why: 'not_approved' | 'reversal' | 'expired' | 'repaired' | 'too_old' | 'future' };

/** Whether one record counts on `today`, and until when. */
export function recordStanding(r: GradeRecord, rules: GradeRules, today: string): RecordStanding {
  if (r.state !== 'approved') return { counts: false, why: 'not_approved' };
  if (r.reverses) return { counts: false, why: 'reversal' };
  if (r.occurredOn > today) return { counts: false, why: 'future' };
  if (r.negative) {
    if (r.repairedOn && r.repairedOn <= today) return { counts: false, why: 'repaired' };
    const until = negativeKeptUntil(r.occurredOn);
    return today < until ? { counts: true, until } : { counts: false, why: 'expired' };
  }
  const until = addYears(r.occurredOn, rules.positiveYears);
  return today < until ? { counts: true, until } : { counts: false, why: 'too_old' };
}

/** When a negative record may be repaired early (fulfilment + the minimum period), else null. */
export function repairableFrom(r: GradeRecord, rules: GradeRules): string | null {
  return r.negative ? addMonths(r.occurredOn, rules.repairMinMonths) : null;
}

export interface ExplanationLine {
  recordId: string | null;
  counts: boolean;
  points: number;
  negative: boolean;
  text: string;
}

export interface GradeResult {
  grade: Grade;
  score: number;
  negatives: number;
  evaluation: Grade | null;
  lines: ExplanationLine[];
  /** "AA，因为：…" */
  because: string;
  /** The next grade up and what it takes, or null at the top. */
  next: { grade: RatedGrade; needs: string[]; text: string } | null;
}

const pointsOf = (rules: GradeRules, kind: string) => rules.kindPoints[kind] ?? rules.defaultPoints;

function levelGaps(l: GradeLevel, score: number, negatives: number, evaluation: Grade | null): string[] {
  const gaps: string[] = [];
  if (score < l.minScore) gaps.push(`正面记录得分还差 ${l.minScore - score} 分（需 ${l.minScore} 分）`);
  if (l.minEvaluation && gradeRank(evaluation) < gradeRank(l.minEvaluation)) gaps.push(`信用户评定结果需为 ${l.minEvaluation} 或以上`);
  if (negatives > l.maxNegative) gaps.push(l.maxNegative === 0 ? '不能有计入的负面记录' : `计入的负面记录不能超过 ${l.maxNegative} 条`);
  return gaps;
}

/**
 * The grade of one household: the highest level whose conditions all hold, else not rated.
 * Inputs are the household's credit records and its fixed evaluation result, nothing else.
 */
export function computeGrade(input: {
  records: readonly GradeRecord[]; evaluation: EvaluationOutcome | null; rules: GradeRules; today: string;
}): GradeResult {
  const { rules, today } = input;
  const records = [...input.records].sort((a, b) => (a.occurredOn < b.occurredOn ? -1 : a.occurredOn > b.occurredOn ? 1 : a.id < b.id ? -1 : 1));
  let score = 0;
  let negatives = 0;
  const lines: ExplanationLine[] = [];
  for (const r of records) {
    if (r.state !== 'approved' || r.reverses) continue; // under review, rejected, reversed, or a reversing record
    const s = recordStanding(r, rules, today);
    const doc = r.documentNo ? `（${r.documentNo}）` : '';
    const head = `${r.occurredOn} ${r.kindNameZh}${doc}`;
    if (r.negative) {
      if (s.counts) negatives++;
      lines.push({
        recordId: r.id, counts: s.counts, points: 0, negative: true,
        text: s.counts ? `${head}：负面记录，计入至 ${s.until}` : s.why === 'repaired' ? `${head}：已于 ${r.repairedOn} 完成信用修复，不再计入` : `${head}：已满五年，不再计入`,
      });
    } else {
      const p = s.counts ? pointsOf(rules, r.kind) : 0;
      score += p;
      lines.push({
        recordId: r.id, counts: s.counts, points: p, negative: false,
        text: s.counts ? `${head}：+${p} 分（计至 ${s.until}）` : `${head}：超过 ${rules.positiveYears} 年，不再计分`,
      });
    }
  }
  const evaluation = input.evaluation?.grade ?? null;
  lines.push({
    recordId: null, counts: evaluation !== null, points: 0, negative: false,
    text: input.evaluation ? `信用户评定（${input.evaluation.periodLabel}）：${GRADE_NAMES[input.evaluation.grade]}` : '尚无已确定的信用户评定结果',
  });

  const levels = rules.levels;
  const reached = levels.find((l) => levelGaps(l, score, negatives, evaluation).length === 0);
  const grade: Grade = reached?.grade ?? 'none';
  const facts = [`正面记录得分 ${score} 分`, evaluation ? `评定结果 ${GRADE_NAMES[evaluation]}` : '尚无评定结果', negatives ? `计入的负面记录 ${negatives} 条` : '无计入的负面记录'];
  const because = `${GRADE_NAMES[grade]}，因为：${facts.join('；')}`;
  const higher = levels.filter((l) => gradeRank(l.grade) > gradeRank(grade));
  const nextLevel = higher.at(-1);
  const next = nextLevel ? (() => {
    const needs = levelGaps(nextLevel, score, negatives, evaluation);
    return { grade: nextLevel.grade, needs, text: `要达到 ${nextLevel.grade}：${needs.join('；')}` };
  })() : null;
  return { grade, score, negatives, evaluation, lines, because, next };
}

export interface Perk { id: string; minGrade: RatedGrade; name: string; provider: string; conditions: string; active: boolean }

/** The active perks a grade qualifies for (a perk for AA is open to AAA too). */
export function perksFor(grade: Grade, perks: readonly Perk[]): Perk[] {
  return perks.filter((p) => p.active && gradeRank(grade) >= gradeRank(p.minGrade));
}
