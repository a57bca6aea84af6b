// The two helpers of the entry form that the drafts store (in the app's entry script) needs, kept
// apart from domain/entry-form.ts so that the entry script does not carry the form's rules and the
// default catalogue (issue 13 "Small on the wire"). entry-form.ts re-exports them.

/** Today's date on the phone, as 'YYYY-MM-DD' (local calendar, not UTC). */
export function localDate(d: Date = new Date()): string {
  const mm = String(d.getMonth() + 1).padStart(2, '0');
  const dd = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${mm}-${dd}`;
}

/** The list of recent codes after using `code` (kept short: it is a shortcut, not a history). */
export function pushRecent(recentCodes: readonly string[], code: string, max = 8): string[] {
  return [code, ...recentCodes.filter((c) => c !== code)].slice(0, max);
}
