// The ONE transition table of an entry's life cycle (domain.md, "Entry life cycle"). Every state
// change of an entry, on the server and on the phone, asks `transition(from, event, actor)` first;
// the server answers a refusal with HTTP 409 { error: { code, message } } (or a per-item
// `rejected` in a sync push) carrying the code and the Chinese message returned here.
//
//   submitted  → approved | rejected | returned      committee
//   submitted  → withdrawn                           its recorder, before review
//   returned   → submitted (corrected, new version)  its recorder
//   returned   → withdrawn                           its recorder
//   approved   → publicized                          committee (opens a notice window)
//   publicized → effective                           system (window closed, no objection pending)
//   publicized → objected                            an objector (resident / holder of the notice link)
//   objected   → effective | rejected | amended      committee (dismissed | upheld | amended)
//   objected   → publicized                          committee (dismissed while the window still runs)
//   effective  → reversed                            system (its reversing entry became effective)
import type { EntryState } from './entry-state';

/** What happens to an entry; one name per arrow of the diagram. */
export const ENTRY_EVENTS = [
  'approve', 'reject', 'return', 'withdraw', 'resubmit', 'publicize', 'settle', 'object', 'dismiss', 'reinstate', 'uphold', 'amend', 'reverse',
] as const;
export type EntryEventKind = (typeof ENTRY_EVENTS)[number];

/**
 * Who causes it. `recorder`: the user who recorded the entry (the server checks identity, the
 * table only says the role in the transition); `committee`: a village committee member or admin
 * (not the recorder: see decide.ts); `system`: the server itself (notice windows, reversals);
 * `objector`: a resident of the village or anyone holding the notice's QR link.
 */
export const TRANSITION_ACTORS = ['recorder', 'committee', 'system', 'objector'] as const;
export type TransitionActor = (typeof TRANSITION_ACTORS)[number];

export interface TransitionRule {
  from: EntryState;
  event: EntryEventKind;
  to: EntryState;
  actors: readonly TransitionActor[];
  /** Whether a reason is required (stored on the event, shown to the household). */
  reasonRequired: boolean;
}

export const ENTRY_TRANSITIONS: readonly TransitionRule[] = [
  { from: 'submitted', event: 'approve', to: 'approved', actors: ['committee'], reasonRequired: false },
  { from: 'submitted', event: 'reject', to: 'rejected', actors: ['committee'], reasonRequired: true },
  { from: 'submitted', event: 'return', to: 'returned', actors: ['committee'], reasonRequired: true },
  { from: 'submitted', event: 'withdraw', to: 'withdrawn', actors: ['recorder'], reasonRequired: false },
  { from: 'returned', event: 'resubmit', to: 'submitted', actors: ['recorder'], reasonRequired: false },
  { from: 'returned', event: 'withdraw', to: 'withdrawn', actors: ['recorder'], reasonRequired: false },
  { from: 'approved', event: 'publicize', to: 'publicized', actors: ['committee'], reasonRequired: false },
  { from: 'publicized', event: 'settle', to: 'effective', actors: ['system'], reasonRequired: false },
  { from: 'publicized', event: 'object', to: 'objected', actors: ['objector'], reasonRequired: true },
  { from: 'objected', event: 'dismiss', to: 'effective', actors: ['committee'], reasonRequired: true },
  { from: 'objected', event: 'reinstate', to: 'publicized', actors: ['committee'], reasonRequired: true },
  { from: 'objected', event: 'uphold', to: 'rejected', actors: ['committee'], reasonRequired: true },
  { from: 'objected', event: 'amend', to: 'amended', actors: ['committee'], reasonRequired: true },
  { from: 'effective', event: 'reverse', to: 'reversed', actors: ['system'], reasonRequired: false },
];

/** Chinese names of the states, as the committee and residents read them (client i18n agrees). */
export const ENTRY_STATE_ZH: Record<EntryState, string> = {
  submitted: '待审核', approved: '已通过', rejected: '未通过', returned: '已退回', publicized: '公示中',
  objected: '有异议', effective: '已生效', amended: '已更正', reversed: '已冲正', withdrawn: '已撤回',
};

export const ENTRY_EVENT_ZH: Record<EntryEventKind, string> = {
  approve: '审核通过', reject: '驳回', return: '退回修改', withdraw: '撤回', resubmit: '重新提交', publicize: '公示',
  settle: '公示期满生效', object: '提出异议', dismiss: '驳回异议', reinstate: '驳回异议并继续公示', uphold: '异议成立', amend: '更正分值', reverse: '冲正',
};

const ACTOR_ZH: Record<TransitionActor, string> = {
  recorder: '记录人', committee: '村评议会成员', system: '系统', objector: '异议人',
};

export type TransitionRefusalCode = 'invalid_state' | 'actor_not_allowed' | 'reason_required';

export type TransitionResult =
  | { ok: true; to: EntryState; rule: TransitionRule }
  | { ok: false; code: TransitionRefusalCode; message: string };

/** The rule for `event` from `from`, whoever asks; undefined when the diagram has no such arrow. */
export function findTransition(from: EntryState, event: EntryEventKind): TransitionRule | undefined {
  return ENTRY_TRANSITIONS.find((t) => t.from === from && t.event === event);
}

/**
 * Whether `actor` may cause `event` on an entry in state `from`, and the state it goes to.
 * `reason`, when given, is checked against the rule's reasonRequired (whitespace does not count).
 * Refusals: `invalid_state` (no such arrow from this state, HTTP 409), `actor_not_allowed` (the
 * arrow exists but not for this actor, HTTP 403 on the server), `reason_required` (HTTP 400).
 */
export function transition(from: EntryState, event: EntryEventKind, actor: TransitionActor, reason?: string): TransitionResult {
  const rule = findTransition(from, event);
  if (!rule) {
    return { ok: false, code: 'invalid_state', message: `该记录当前状态为「${ENTRY_STATE_ZH[from] ?? from}」，不能${ENTRY_EVENT_ZH[event]}` };
  }
  if (!rule.actors.includes(actor)) {
    const who = rule.actors.map((a) => ACTOR_ZH[a]).join('或');
    return { ok: false, code: 'actor_not_allowed', message: `只有${who}可以${ENTRY_EVENT_ZH[event]}此记录` };
  }
  if (reason !== undefined && rule.reasonRequired && reason.trim() === '') {
    return { ok: false, code: 'reason_required', message: `${ENTRY_EVENT_ZH[event]}须填写理由` };
  }
  return { ok: true, to: rule.to, rule };
}

/** Events `actor` may cause from `from` (for screens: which buttons to show). */
export function eventsFrom(from: EntryState, actor: TransitionActor): EntryEventKind[] {
  return ENTRY_TRANSITIONS.filter((t) => t.from === from && t.actors.includes(actor)).map((t) => t.event);
}

/** States from which nothing more happens to an entry (it left the life cycle). */
export const FINAL_STATES: readonly EntryState[] = ['rejected', 'withdrawn', 'amended', 'reversed'];
