// The life cycle of a credit record (信用信息), the one transition table of the credit ledger.
// Like moral-points entries (entry-transitions.ts) but a ledger of its own (guardrail 1):
//
//   submitted → approved | rejected(reason) | returned(for correction)   by the committee
//   submitted | returned → withdrawn                                       by its recorder
//   approved → reversed     only when a reversing record (itself reviewed) is approved
//   approved → rejected     when the household's objection is upheld
//
// Records are never edited; a correction is a new record whose `reverses` names the old one.

export const CREDIT_RECORD_STATES = ['submitted', 'approved', 'rejected', 'returned', 'withdrawn', 'reversed'] as const;
export type CreditRecordState = (typeof CREDIT_RECORD_STATES)[number];

export type CreditEvent = 'approve' | 'reject' | 'return' | 'withdraw' | 'reverse' | 'uphold_objection';
export type CreditActor = 'committee' | 'recorder' | 'system';

interface Arrow { from: CreditRecordState; event: CreditEvent; to: CreditRecordState; actor: CreditActor }

export const CREDIT_TRANSITIONS: readonly Arrow[] = [
  { from: 'submitted', event: 'approve', to: 'approved', actor: 'committee' },
  { from: 'submitted', event: 'reject', to: 'rejected', actor: 'committee' },
  { from: 'submitted', event: 'return', to: 'returned', actor: 'committee' },
  { from: 'submitted', event: 'withdraw', to: 'withdrawn', actor: 'recorder' },
  { from: 'returned', event: 'withdraw', to: 'withdrawn', actor: 'recorder' },
  { from: 'approved', event: 'reverse', to: 'reversed', actor: 'system' },
  { from: 'approved', event: 'uphold_objection', to: 'rejected', actor: 'committee' },
];

export const CREDIT_STATE_NAMES: Record<CreditRecordState, string> = {
  submitted: '待审核', approved: '已通过', rejected: '未通过', returned: '已退回', withdrawn: '已撤回', reversed: '已冲正',
};

const EVENT_NAMES: Record<CreditEvent, string> = {
  approve: '通过', reject: '不通过', return: '退回', withdraw: '撤回', reverse: '冲正', uphold_objection: '采纳异议',
};

export type CreditTransition =
  | { ok: true; to: CreditRecordState }
  | { ok: false; code: 'invalid_state' | 'reason_required' | 'own_record'; message: string };

/**
 * The one transition function. A rejection or return needs a reason; a committee member never
 * approves a record they recorded themselves.
 */
export function creditTransition(
  from: string, event: CreditEvent, actor: CreditActor, opts: { reason?: string; actorIsRecorder?: boolean } = {},
): CreditTransition {
  const arrow = CREDIT_TRANSITIONS.find((a) => a.from === from && a.event === event && a.actor === actor);
  if (!arrow) {
    const name = CREDIT_STATE_NAMES[from as CreditRecordState] ?? from;
    return { ok: false, code: 'invalid_state', message: `该信用信息当前状态为「${name}」，不能${EVENT_NAMES[event]}` };
  }
  if ((event === 'reject' || event === 'return' || event === 'uphold_objection') && !(opts.reason ?? '').trim()) {
    return { ok: false, code: 'reason_required', message: '不通过、退回或采纳异议必须写明理由' };
  }
  if (event === 'approve' && opts.actorIsRecorder) {
    return { ok: false, code: 'own_record', message: '不能审核自己录入的信用信息' };
  }
  return { ok: true, to: arrow.to };
}
