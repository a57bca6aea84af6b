// What the committee's review needs of an entry besides the transition table: which entries are
// deductions (guardrail 2: a legal or village-rule basis, evidence and two different approvers),
// which may be approved in a batch, and the kinds of a stated basis. Pure; the server decides with
// these (server/routes/review/decide.ts) and the committee's screens show the same rules.

/** Kinds of basis a deduction may rest on (guardrail 2). */
export const BASIS_KINDS = ['village_rule', 'official_finding'] as const;
export type BasisKind = (typeof BASIS_KINDS)[number];
export const BASIS_KIND_ZH: Record<BasisKind, string> = { village_rule: '村规民约条款', official_finding: '有关部门的处理决定或认定' };

export interface Basis { kind: BasisKind; text: string }

interface Reviewed { points: number; reverses: string | null }

/**
 * A deduction: negative points that are not the reversal of an earlier entry. A reversal takes
 * back an entry exactly (its points negated) and is reviewed like any entry, with one approver.
 */
export const isDeduction = (e: Reviewed) => e.points < 0 && e.reverses === null;

export const approvalsNeeded = (e: Reviewed) => (isDeduction(e) ? 2 : 1);

/** Batch approval is for plain positive entries only: deductions and reversals are decided one by one. */
export const isBatchApprovable = (e: Reviewed) => e.points > 0 && e.reverses === null;

/**
 * Evidence of an entry: its photos (field-media) or, until an entry carries photos, a written
 * account in its note of what was seen and where (the collector's statement).
 */
export const hasEvidence = (e: { note: string; evidence: readonly unknown[] }) => e.evidence.length > 0 || e.note.trim() !== '';

export const BASIS_TEXT_MAX = 300;

/** A usable basis: a known kind and a text that names the rule or the finding. */
export function validBasis(b: { kind: string; text: string } | null | undefined): b is Basis {
  return !!b && (BASIS_KINDS as readonly string[]).includes(b.kind) && b.text.trim().length >= 2 && b.text.length <= BASIS_TEXT_MAX;
}

/** Batch approvals are bounded (one request, one transaction). */
export const MAX_BATCH_APPROVALS = 100;
