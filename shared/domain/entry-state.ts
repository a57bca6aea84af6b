// Entry life cycle states (domain.md, "Entry life cycle").
export const ENTRY_STATES = [
  'submitted', 'approved', 'rejected', 'returned', 'publicized', 'objected',
  'effective', 'amended', 'reversed', 'withdrawn',
] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

/** States a phone may show for an entry the server has not acknowledged yet. */
export type LocalEntryState = 'queued' | EntryState;

/** States whose points count towards a household's standing. */
export const COUNTING_STATES: readonly EntryState[] = ['effective'];
/** Approved but not yet effective: shown to residents as "pending" (待生效). */
export const PENDING_STATES: readonly EntryState[] = ['approved', 'publicized', 'objected'];
