// Credit information records (信用信息采集): their own ledger, never mixed with moral points
// (domain.md guardrail 1). The kinds a collector may record, where the information comes from,
// and which need a legally effective document (国办发〔2020〕49号: a negative record must rest on
// one). Phone and server use these same rules.

export const CREDIT_KINDS = [
  'loan_repaid', 'arrears_settled', 'honour', 'volunteer_star', 'admin_penalty', 'court_judgment_fulfilled',
] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

export const CREDIT_SOURCES = ['village', 'bank', 'township', 'court'] as const;
export type CreditSource = (typeof CREDIT_SOURCES)[number];

export const CREDIT_STATES = ['submitted', 'withdrawn'] as const;
export type CreditState = (typeof CREDIT_STATES)[number];

export interface CreditKindRule {
  zh: string;
  en: string;
  /** A negative record (a penalty): kept at most five years (guardrail 8), needs a document. */
  negative: boolean;
  /** A document number (决定书/判决书 文号) is required. */
  documentRequired: boolean;
  /** Sources that can issue this kind of information; the first is the form's default. */
  sources: readonly CreditSource[];
}

export const CREDIT_KIND_RULES: Record<CreditKind, CreditKindRule> = {
  loan_repaid: { zh: '贷款按时还款', en: 'Loan repaid on time', negative: false, documentRequired: false, sources: ['bank', 'village'] },
  arrears_settled: { zh: '结清欠集体款项', en: 'Arrears to the collective settled', negative: false, documentRequired: false, sources: ['village', 'township'] },
  honour: { zh: '荣誉表彰', en: 'Honour or award', negative: false, documentRequired: false, sources: ['township', 'village', 'court', 'bank'] },
  volunteer_star: { zh: '志愿服务之星', en: 'Volunteer star', negative: false, documentRequired: false, sources: ['village', 'township'] },
  admin_penalty: { zh: '行政处罚', en: 'Administrative penalty', negative: true, documentRequired: true, sources: ['township', 'court', 'village'] },
  court_judgment_fulfilled: { zh: '履行法院判决', en: 'Court judgment fulfilled', negative: false, documentRequired: true, sources: ['court'] },
};

export const CREDIT_SOURCE_NAMES: Record<CreditSource, { zh: string; en: string }> = {
  village: { zh: '村委会', en: 'Village committee' },
  bank: { zh: '银行', en: 'Bank' },
  township: { zh: '镇（街道）', en: 'Township office' },
  court: { zh: '法院', en: 'Court' },
};

/** A kind of the township's list (server/repositories/credit.ts keeps it; phones pull it as creditKind). */
export interface CreditKindRow {
  code: string; nameZh: string; nameEn: string; negative: boolean; documentRequired: boolean;
  sources: CreditSource[]; active: boolean; sort: number;
}

/** The defaults every township starts from (and a phone uses until its township has a list of its own). */
export const DEFAULT_CREDIT_KINDS: CreditKindRow[] = [
  ...CREDIT_KINDS.map((code, i) => {
    const r = CREDIT_KIND_RULES[code];
    return { code, nameZh: r.zh, nameEn: r.en, negative: r.negative, documentRequired: r.documentRequired, sources: [...r.sources], active: true, sort: (i + 1) * 10 };
  }),
  { code: 'court_enforcement', nameZh: '法院强制执行（未履行判决）', nameEn: 'Court enforcement (judgment not fulfilled)', negative: true, documentRequired: true, sources: ['court'], active: true, sort: 70 },
  { code: 'loan_default', nameZh: '贷款逾期（经生效判决确认）', nameEn: 'Loan default (confirmed by an effective judgment)', negative: true, documentRequired: true, sources: ['court', 'bank'], active: true, sort: 80 },
];

/**
 * The kinds a phone offers for a township: the township's own list when it has one (pulled rows,
 * active ones, in its order), else the defaults. `sources` outside CREDIT_SOURCES are dropped.
 */
export function kindsOffered(township: readonly (Omit<CreditKindRow, 'sources'> & { sources: readonly string[] })[]): CreditKindRow[] {
  if (township.length === 0) return DEFAULT_CREDIT_KINDS;
  return township
    .filter((k) => k.active)
    .map((k) => ({ ...k, sources: k.sources.filter(isCreditSource) }))
    .sort((a, b) => a.sort - b.sort || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export const DOCUMENT_NO_MAX = 80;

export type CreditErrorCode = 'credit_kind' | 'credit_source' | 'document_required' | 'document_invalid';

export const CREDIT_MESSAGES: Record<CreditErrorCode, string> = {
  credit_kind: '信用信息类别无效',
  credit_source: '该类信息不能来自所选的来源',
  document_required: '此类信用信息必须填写生效文书的文号（如处罚决定书、判决书）',
  document_invalid: `文号不能超过${DOCUMENT_NO_MAX}个字，且不能含有控制字符`,
};

export const isCreditKind = (v: unknown): v is CreditKind => typeof v === 'string' && (CREDIT_KINDS as readonly string[]).includes(v);
export const isCreditSource = (v: unknown): v is CreditSource => typeof v === 'string' && (CREDIT_SOURCES as readonly string[]).includes(v);

const ZERO_WIDTH = /[\u200B-\u200D\uFEFF\u2060]/gu;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL_OR_BIDI = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/u;

/** 'NFC, zero-width stripped, trimmed' document number, or the reason it is refused. */
export function normalizeDocumentNo(raw: string): { ok: true; value: string } | { ok: false; code: CreditErrorCode } {
  const v = raw.normalize('NFC').replace(ZERO_WIDTH, '').trim();
  if (CONTROL_OR_BIDI.test(v) || [...v].length > DOCUMENT_NO_MAX) return { ok: false, code: 'document_invalid' };
  return { ok: true, value: v };
}

/** What a township's kind list says of a kind (server/repositories/credit.ts keeps the list). */
export interface KindRule { negative: boolean; documentRequired: boolean; sources: readonly string[]; active?: boolean }

/**
 * A credit record (from a phone or entered at the office) checked against the township's own kind
 * list, on the server and in the phone's form alike: a negative record rests on a legally
 * effective document (国办发〔2020〕49号): its number and the court or office that issued it are
 * both required.
 */
export function checkAgainstKind(rule: KindRule | undefined, input: { source: string; documentNo: string; issuer: string }):
  { ok: true; documentNo: string; issuer: string } | { ok: false; code: CreditErrorCode | 'issuer_required'; message: string } {
  if (!rule || rule.active === false) return { ok: false, code: 'credit_kind', message: CREDIT_MESSAGES.credit_kind };
  if (!rule.sources.includes(input.source)) return { ok: false, code: 'credit_source', message: CREDIT_MESSAGES.credit_source };
  const doc = normalizeDocumentNo(input.documentNo);
  if (!doc.ok) return { ok: false, code: doc.code, message: CREDIT_MESSAGES[doc.code] };
  const issuer = normalizeDocumentNo(input.issuer);
  if (!issuer.ok) return { ok: false, code: 'document_invalid', message: CREDIT_MESSAGES.document_invalid };
  if ((rule.documentRequired || rule.negative) && doc.value === '') return { ok: false, code: 'document_required', message: CREDIT_MESSAGES.document_required };
  if (rule.negative && issuer.value === '') return { ok: false, code: 'issuer_required', message: ISSUER_REQUIRED };
  return { ok: true, documentNo: doc.value, issuer: issuer.value };
}

export const ISSUER_REQUIRED = '负面信用信息必须写明作出生效文书的法院或机关';
