import { describe, expect, it } from 'vitest';
import { ENTRY_STATES, type EntryState } from './entry-state';
import {
  ENTRY_EVENTS, ENTRY_TRANSITIONS, TRANSITION_ACTORS, eventsFrom, transition,
  type EntryEventKind, type TransitionActor,
} from './entry-transitions';

// Every arrow of domain.md's diagram, with the one actor allowed to draw it.
const LEGAL: [EntryState, EntryEventKind, TransitionActor, EntryState][] = [
  ['submitted', 'approve', 'committee', 'approved'],
  ['submitted', 'reject', 'committee', 'rejected'],
  ['submitted', 'return', 'committee', 'returned'],
  ['submitted', 'withdraw', 'recorder', 'withdrawn'],
  ['returned', 'resubmit', 'recorder', 'submitted'],
  ['returned', 'withdraw', 'recorder', 'withdrawn'],
  ['approved', 'publicize', 'committee', 'publicized'],
  ['publicized', 'settle', 'system', 'effective'],
  ['publicized', 'object', 'objector', 'objected'],
  ['objected', 'dismiss', 'committee', 'effective'],
  ['objected', 'reinstate', 'committee', 'publicized'],
  ['objected', 'uphold', 'committee', 'rejected'],
  ['objected', 'amend', 'committee', 'amended'],
  ['effective', 'reverse', 'system', 'reversed'],
];

describe('entry transition table', () => {
  it.each(LEGAL)('%s --%s by %s--> %s', (from, event, actor, to) => {
    expect(transition(from, event, actor, 'a reason')).toMatchObject({ ok: true, to });
  });

  it('has exactly the arrows of the diagram', () => {
    expect(ENTRY_TRANSITIONS.map((t) => [t.from, t.event, t.actors[0], t.to])).toEqual(LEGAL);
    expect(ENTRY_TRANSITIONS.every((t) => t.actors.length === 1)).toBe(true);
  });

  // Every other (state, event) pair: refused with invalid_state and a Chinese message naming the state.
  const illegal = ENTRY_STATES.flatMap((from) => ENTRY_EVENTS.filter((ev) => !LEGAL.some(([f, e]) => f === from && e === ev)).map((ev) => [from, ev] as const));
  it.each(illegal)('refuses %s --%s--> (invalid_state)', (from, event) => {
    for (const actor of TRANSITION_ACTORS) {
      const r = transition(from, event, actor);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe('invalid_state');
        expect(r.message).toMatch(/^该记录当前状态为「.+」，不能.+$/);
      }
    }
  });

  it.each(LEGAL)('refuses %s --%s-- by anyone but %s (actor_not_allowed)', (from, event, allowed) => {
    for (const actor of TRANSITION_ACTORS.filter((a) => a !== allowed)) {
      expect(transition(from, event, actor)).toMatchObject({ ok: false, code: 'actor_not_allowed' });
    }
  });

  it.each<[EntryState, EntryEventKind, TransitionActor, boolean]>([
    ['submitted', 'reject', 'committee', true],
    ['submitted', 'return', 'committee', true],
    ['publicized', 'object', 'objector', true],
    ['objected', 'uphold', 'committee', true],
    ['objected', 'dismiss', 'committee', true],
    ['objected', 'amend', 'committee', true],
    ['submitted', 'approve', 'committee', false],
    ['submitted', 'withdraw', 'recorder', false],
    ['returned', 'resubmit', 'recorder', false],
  ])('%s --%s by %s-- needs a reason: %s', (from, event, actor, needed) => {
    const r = transition(from, event, actor, '   ');
    if (needed) expect(r).toEqual({ ok: false, code: 'reason_required', message: expect.stringContaining('须填写理由') });
    else expect(r.ok).toBe(true);
    expect(transition(from, event, actor, '理由').ok).toBe(true);
    // Without a reason argument the reason is not checked (a caller that checks it elsewhere).
    expect(transition(from, event, actor).ok).toBe(true);
  });

  it('final states have no way out', () => {
    for (const s of ['rejected', 'withdrawn', 'amended', 'reversed'] as const) {
      for (const a of TRANSITION_ACTORS) expect(eventsFrom(s, a)).toEqual([]);
    }
  });

  it('lists what an actor may do from a state', () => {
    expect(eventsFrom('submitted', 'committee')).toEqual(['approve', 'reject', 'return']);
    expect(eventsFrom('returned', 'recorder')).toEqual(['resubmit', 'withdraw']);
    expect(eventsFrom('objected', 'committee')).toEqual(['dismiss', 'reinstate', 'uphold', 'amend']);
  });

  it('says in Chinese why a refusal happened', () => {
    expect(transition('approved', 'withdraw', 'recorder')).toEqual({ ok: false, code: 'invalid_state', message: '该记录当前状态为「已通过」，不能撤回' });
    expect(transition('submitted', 'approve', 'recorder')).toEqual({ ok: false, code: 'actor_not_allowed', message: '只有村评议会成员可以审核通过此记录' });
  });
});
