// The catalogue checker (issue 12, guardrails 1, 2, 7): indicators that national guidance and
// the guardrails forbid are refused, each with its reason in Chinese. Publishing a catalogue
// version runs it (server/routes/catalog/versions.ts); the township's screen shows the reasons.
import type { IndicatorDto } from '../protocol/tables';

/** What a deduction rests on (guardrail 2): a law or regulation, the village rules (村规民约), or an official finding. */
export const BASIS_KINDS = ['legal', 'village_rule', 'official_finding'] as const;
export type BasisKind = (typeof BASIS_KINDS)[number];
export const BASIS_LABELS: Record<BasisKind, string> = { legal: '法律法规', village_rule: '村规民约', official_finding: '有关部门认定或处罚决定' };

export const isBasisKind = (v: unknown): v is BasisKind => typeof v === 'string' && (BASIS_KINDS as readonly string[]).includes(v);

export type CatalogProblemCode =
  | 'petitioning' | 'non_participation' | 'entitlement' | 'credit_link' | 'sensitive_data'
  | 'basis_required' | 'evidence_required' | 'points_invalid';

export interface CatalogProblem { indicatorCode: string; code: CatalogProblemCode; message: string }

export type CheckedIndicator = Pick<IndicatorDto, 'code' | 'nameZh' | 'sign' | 'pointsMin' | 'pointsMax' | 'evidenceRequired'> & { basisKind: string | null };

interface Rule { code: CatalogProblemCode; applies: (i: CheckedIndicator) => boolean; message: (i: CheckedIndicator) => string }

const has = (re: RegExp) => (i: CheckedIndicator) => re.test(i.nameZh);

/** Checked in this order; every rule that applies is reported. */
const RULES: readonly Rule[] = [
  {
    code: 'petitioning', applies: has(/上访|信访|越级访|缠访|闹访|进京访/),
    message: (i) => `「${i.nameZh}」：不得把上访、信访与积分挂钩（信访是群众的合法权利）`,
  },
  {
    code: 'non_participation', applies: (i) => i.sign < 0 && /未参加|不参加|没有参加|未参与|不参与|缺席|未出席|不出席|拒不参加|未到场/.test(i.nameZh),
    message: (i) => `「${i.nameZh}」：不得因未参加活动扣分，参加与否由村民自愿`,
  },
  {
    code: 'entitlement', applies: has(/低保|医保|医疗保险|养老金|养老保险|社保|入学|上学|就学|补贴|补助|救助|集体收益|分红|福利待遇/),
    message: (i) => `「${i.nameZh}」：积分不得与低保、医保、养老、入学、补贴、集体收益等基本公共服务和法定权益挂钩`,
  },
  {
    code: 'credit_link', applies: has(/信用等级|失信|黑名单|征信|贷款资格|限制贷款/),
    message: (i) => `「${i.nameZh}」：道德积分不得改变信用等级、产生失信标签或限制贷款`,
  },
  {
    code: 'sensitive_data', applies: has(/宗教|信教|信仰|礼拜|病史|健康状况|残疾|指纹|人脸|定位/),
    message: (i) => `「${i.nameZh}」：不得收集宗教、健康、生物特征或精确位置等信息`,
  },
  {
    code: 'basis_required', applies: (i) => i.sign < 0 && !isBasisKind(i.basisKind),
    message: (i) => `「${i.nameZh}」：扣分指标须写明依据类别（法律法规、村规民约或有关部门认定）`,
  },
  {
    code: 'evidence_required', applies: (i) => i.sign < 0 && !i.evidenceRequired,
    message: (i) => `「${i.nameZh}」：扣分指标必须要求提供证据`,
  },
  {
    code: 'points_invalid', applies: (i) => !Number.isInteger(i.pointsMin) || !Number.isInteger(i.pointsMax) || i.pointsMin > i.pointsMax
      || (i.sign > 0 ? i.pointsMin <= 0 : i.pointsMax >= 0),
    message: (i) => `「${i.nameZh}」：分值须为整数，最小值不大于最大值，且正负与加分/扣分一致`,
  },
];

export function checkIndicator(i: CheckedIndicator): CatalogProblem[] {
  return RULES.filter((r) => r.applies(i)).map((r) => ({ indicatorCode: i.code, code: r.code, message: r.message(i) }));
}

export function checkCatalog(indicators: readonly CheckedIndicator[]): CatalogProblem[] {
  const problems = indicators.flatMap(checkIndicator);
  const seen = new Set<string>();
  for (const i of indicators) {
    if (seen.has(i.code)) problems.push({ indicatorCode: i.code, code: 'points_invalid', message: `指标代码「${i.code}」重复` });
    seen.add(i.code);
  }
  return problems;
}

/** The basis kind a default indicator's condition text names (村规民约 → village rule, 认定/决定 → official finding). */
export function basisKindFromCondition(conditionZh: string | null): BasisKind | null {
  if (!conditionZh) return null;
  if (/村规民约/.test(conditionZh)) return 'village_rule';
  if (/认定|决定|处罚|法院|公安/.test(conditionZh)) return 'official_finding';
  if (/法律|法规|条例/.test(conditionZh)) return 'legal';
  return null;
}

// ---- which version applies to an entry ----------------------------------------------------

export interface VersionInForce { id: string; version: number; effectiveFrom: string; status: string }

/**
 * The published version in force on `date`: the highest version whose effective date has come.
 * An entry dated before a newer version's start uses the older one (phone and server alike).
 */
export function versionInForce<T extends VersionInForce>(versions: readonly T[], date: string): T | null {
  let best: T | null = null;
  for (const v of versions) {
    if (v.status !== 'published' || v.effectiveFrom > date) continue;
    if (!best || v.version > best.version) best = v;
  }
  return best;
}
