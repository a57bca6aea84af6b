// Sorting database errors for the push (push.ts): which ones re-run the whole batch, which ones
// refuse just the item, and everything else (a bug or the database failing), which stops it.

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** PostgreSQL deadlock or serialization failure: writeTransaction runs the whole batch again. */
export function isRetryableError(err: unknown): boolean {
  const code = codeOf(err);
  return code === '40P01' || code === '40001';
}

/**
 * The database refused the item's data: a constraint (unique, foreign key, check, not null, a
 * trigger's RAISE) or, on PostgreSQL, a data exception (class 22: a value out of range). The
 * rules in apply-*.ts should have caught it first; when they did not, the item is refused on its
 * own (its savepoint rolled back) rather than stopping the batch, because sending it again would
 * fail the same way.
 */
export function isDataRefusal(err: unknown): boolean {
  const code = codeOf(err);
  return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || /^2[23][0-9A-Z]{3}$/.test(code);
}
