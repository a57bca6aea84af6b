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
  /** The kind's English name (the explanation in English); the Chinese name when absent. */
  kindNameEn?: string;
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

// ---- the explanation, as codes and parameters (rendered in zh-CN or English) -------------------

export type Lang = 'zh' | 'en';
/** A value that reads differently per language (a kind's name, a grade, a document in brackets). */
export interface Localized { zh: string; en: string }
export type ExplainParam = string | number | Localized;
export interface ExplainMsg { code: ExplainCode; params: Record<string, ExplainParam> }

/** The explanation's sentences; `{name}` is a parameter (vue-i18n's placeholder syntax too). */
export const EXPLAIN_MESSAGES = {
  zh: {
    negativeCounts: '{date} {kind}{doc}：负面记录，计入至 {until}',
    negativeRepaired: '{date} {kind}{doc}：已于 {repairedOn} 完成信用修复，不再计入',
    negativeExpired: '{date} {kind}{doc}：已满五年，不再计入',
    positiveCounts: '{date} {kind}{doc}：+{points} 分（计至 {until}）',
    positiveTooOld: '{date} {kind}{doc}：超过 {years} 年，不再计分',
    evaluation: '信用户评定（{period}）：{grade}',
    noEvaluation: '尚无已确定的信用户评定结果',
    factScore: '正面记录得分 {score} 分',
    factEvaluation: '评定结果 {grade}',
    factNoEvaluation: '尚无评定结果',
    factNegatives: '计入的负面记录 {n} 条',
    factNoNegatives: '无计入的负面记录',
    gapScore: '正面记录得分还差 {missing} 分（需 {need} 分）',
    gapEvaluation: '信用户评定结果需为 {grade} 或以上',
    gapNoNegative: '不能有计入的负面记录',
    gapMaxNegative: '计入的负面记录不能超过 {max} 条',
    because: '{grade}，因为：{facts}',
    next: '要达到 {grade}：{needs}',
    repairTime: '负面信用信息自记录日期起最多保留和计入五年，期满自动不再计入，并在期满后删除。',
    repairFulfilled: '已履行法定义务（如缴清罚款、履行判决）且自记录日期起满 {months} 个月的，可以申请信用修复；村委会核实后，该记录不再计入评级。',
    repairObjection: '认为记录有误的，可以随时提出异议；异议成立的，该记录作废。',
  },
  en: {
    negativeCounts: '{date} {kind}{doc}: negative record, counts until {until}',
    negativeRepaired: '{date} {kind}{doc}: credit repaired on {repairedOn}, no longer counts',
    negativeExpired: '{date} {kind}{doc}: five years passed, no longer counts',
    positiveCounts: '{date} {kind}{doc}: +{points} points (until {until})',
    positiveTooOld: '{date} {kind}{doc}: older than {years} years, no longer scores',
    evaluation: 'Credit household evaluation ({period}): {grade}',
    noEvaluation: 'No fixed credit household evaluation yet',
    factScore: 'positive records score {score} points',
    factEvaluation: 'evaluation result {grade}',
    factNoEvaluation: 'no evaluation result yet',
    factNegatives: '{n} negative record(s) count',
    factNoNegatives: 'no negative record counts',
    gapScore: '{missing} more point(s) from positive records (needs {need})',
    gapEvaluation: 'an evaluation result of {grade} or better',
    gapNoNegative: 'no negative record may count',
    gapMaxNegative: 'at most {max} negative record(s) may count',
    because: '{grade} because: {facts}',
    next: 'To reach {grade}: {needs}',
    repairTime: 'A negative credit record is kept and counted at most five years from its date; then it stops counting and is deleted.',
    repairFulfilled: 'Once the legal obligation is fulfilled (fine paid, judgment complied with) and {months} months have passed since its date, you may request credit repair; after the village committee checks it, the record no longer counts for the grade.',
    repairObjection: 'If you think a record is wrong, you may object at any time; an upheld objection voids the record.',
  },
} as const satisfies Record<Lang, Record<string, string>>;
export type ExplainCode = keyof (typeof EXPLAIN_MESSAGES)['zh'];

const LIST_SEPARATOR: Record<Lang, string> = { zh: '；', en: '; ' };
export const GRADE_LABELS: Record<Grade, Localized> = {
  AAA: { zh: 'AAA', en: 'AAA' }, AA: { zh: 'AA', en: 'AA' }, A: { zh: 'A', en: 'A' }, none: { zh: '未评级', en: 'Not rated' },
};

/** One message in a language: parameters substituted, localized ones in that language. */
export function renderExplain(m: ExplainMsg, lang: Lang): string {
  return EXPLAIN_MESSAGES[lang][m.code].replace(/\{(\w+)\}/g, (_all, name: string) => {
    const v = m.params[name];
    return v === undefined ? '' : typeof v === 'object' ? v[lang] : String(v);
  });
}

/** "AA，因为：…" / "AA because: …". */
export const renderBecause = (r: Pick<GradeResult, 'grade' | 'facts'>, lang: Lang) =>
  renderExplain({ code: 'because', params: { grade: GRADE_LABELS[r.grade], facts: r.facts.map((f) => renderExplain(f, lang)).join(LIST_SEPARATOR[lang]) } }, lang);

/** "要达到 AAA：…" / "To reach AAA: …". */
export const renderNext = (n: NonNullable<GradeResult['next']>, lang: Lang) =>
  renderExplain({ code: 'next', params: { grade: n.grade, needs: n.gaps.map((g) => renderExplain(g, lang)).join(LIST_SEPARATOR[lang]) } }, lang);

/** How a negative record stops counting (信用修复), shown to the household. */
export const repairGuideMsgs = (rules: GradeRules): ExplainMsg[] => [
  { code: 'repairTime', params: {} }, { code: 'repairFulfilled', params: { months: rules.repairMinMonths } }, { code: 'repairObjection', params: {} },
];

export interface ExplanationLine {
  recordId: string | null;
  counts: boolean;
  points: number;
  negative: boolean;
  /** The line as codes and parameters: render it with renderExplain in the reader's language. */
  msg: ExplainMsg;
  /** The same in Chinese (the bank's copy, exports). */
  text: string;
}

export interface GradeResult {
  grade: Grade;
  score: number;
  negatives: number;
  evaluation: Grade | null;
  lines: ExplanationLine[];
  /** The facts the grade rests on (renderBecause joins them). */
  facts: ExplainMsg[];
  /** "AA，因为：…" (Chinese; renderBecause for another language) */
  because: string;
  /** The next grade up and what it takes, or null at the top. */
  next: { grade: RatedGrade; gaps: ExplainMsg[]; needs: string[]; text: string } | null;
}

const pointsOf = (rules: GradeRules, kind: string) => rules.kindPoints[kind] ?? rules.defaultPoints;

function levelGaps(l: GradeLevel, score: number, negatives: number, evaluation: Grade | null): ExplainMsg[] {
  const gaps: ExplainMsg[] = [];
  if (score < l.minScore) gaps.push({ code: 'gapScore', params: { missing: l.minScore - score, need: l.minScore } });
  if (l.minEvaluation && gradeRank(evaluation) < gradeRank(l.minEvaluation)) gaps.push({ code: 'gapEvaluation', params: { grade: l.minEvaluation } });
  if (negatives > l.maxNegative) gaps.push(l.maxNegative === 0 ? { code: 'gapNoNegative', params: {} } : { code: 'gapMaxNegative', params: { max: l.maxNegative } });
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
    const head = {
      date: r.occurredOn, kind: { zh: r.kindNameZh, en: r.kindNameEn ?? r.kindNameZh },
      doc: r.documentNo ? { zh: `（${r.documentNo}）`, en: ` (${r.documentNo})` } : '',
    };
    const line = (counts: boolean, points: number, msg: ExplainMsg): ExplanationLine =>
      ({ recordId: r.id, counts, points, negative: r.negative, msg, text: renderExplain(msg, 'zh') });
    if (r.negative) {
      if (s.counts) negatives++;
      lines.push(line(s.counts, 0, s.counts ? { code: 'negativeCounts', params: { ...head, until: s.until } }
        : s.why === 'repaired' ? { code: 'negativeRepaired', params: { ...head, repairedOn: r.repairedOn ?? '' } }
          : { code: 'negativeExpired', params: head }));
    } else {
      const p = s.counts ? pointsOf(rules, r.kind) : 0;
      score += p;
      lines.push(line(s.counts, p, s.counts ? { code: 'positiveCounts', params: { ...head, points: p, until: s.until } }
        : { code: 'positiveTooOld', params: { ...head, years: rules.positiveYears } }));
    }
  }
  const evaluation = input.evaluation?.grade ?? null;
  const evalMsg: ExplainMsg = input.evaluation
    ? { code: 'evaluation', params: { period: input.evaluation.periodLabel, grade: GRADE_LABELS[input.evaluation.grade] } }
    : { code: 'noEvaluation', params: {} };
  lines.push({ recordId: null, counts: evaluation !== null, points: 0, negative: false, msg: evalMsg, text: renderExplain(evalMsg, 'zh') });

  const levels = rules.levels;
  const reached = levels.find((l) => levelGaps(l, score, negatives, evaluation).length === 0);
  const grade: Grade = reached?.grade ?? 'none';
  const facts: ExplainMsg[] = [
    { code: 'factScore', params: { score } },
    evaluation ? { code: 'factEvaluation', params: { grade: GRADE_LABELS[evaluation] } } : { code: 'factNoEvaluation', params: {} },
    negatives ? { code: 'factNegatives', params: { n: negatives } } : { code: 'factNoNegatives', params: {} },
  ];
  const because = renderBecause({ grade, facts }, 'zh');
  const higher = levels.filter((l) => gradeRank(l.grade) > gradeRank(grade));
  const nextLevel = higher.at(-1);
  const next = nextLevel ? (() => {
    const gaps = levelGaps(nextLevel, score, negatives, evaluation);
    const n = { grade: nextLevel.grade, gaps, needs: gaps.map((g) => renderExplain(g, 'zh')), text: '' };
    n.text = renderNext(n, 'zh');
    return n;
  })() : null;
  return { grade, score, negatives, evaluation, lines, facts, because, next };
}

export interface Perk { id: string; minGrade: RatedGrade; name: string; provider: string; conditions: string; active: boolean }

/** The active perks a grade qualifies for (a perk for AA is open to AAA too). */
export function perksFor(grade: Grade, perks: readonly Perk[]): Perk[] {
  return perks.filter((p) => p.active && gradeRank(grade) >= gradeRank(p.minGrade));
}
