// The shared transition table (shared/domain/entry-transitions.ts) as HTTP errors: every route
// that changes an entry's state asks requireTransition first. An illegal transition is 409
// invalid_state; the right arrow asked by the wrong actor 403 actor_not_allowed; a missing reason
// 400 reason_required. The sync push turns the same refusals into per-item `rejected` answers.
import type { EntryState } from '../../shared/domain/entry-state';
import { transition, type EntryEventKind, type TransitionActor, type TransitionRefusalCode } from '../../shared/domain/entry-transitions';
import { AppError } from './errors';

const STATUS: Record<TransitionRefusalCode, 400 | 403 | 409> = { invalid_state: 409, actor_not_allowed: 403, reason_required: 400 };

/** The state `event` leads to from `from`, or an AppError with the table's code and message. */
export function requireTransition(from: EntryState, event: EntryEventKind, actor: TransitionActor, reason?: string): EntryState {
  const r = transition(from, event, actor, reason);
  if (!r.ok) throw new AppError(STATUS[r.code], r.code, r.message);
  return r.to;
}
