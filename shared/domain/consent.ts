// Consent per purpose (domain.md guardrail 5). A household that has not consented to a purpose
// is treated as having refused it: what the purpose covers is hidden or withheld everywhere.

export const CONSENT_PURPOSES = ['moral_points', 'credit_records', 'bank_sharing', 'public_boards'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export function isConsentPurpose(value: unknown): value is ConsentPurpose {
  return typeof value === 'string' && (CONSENT_PURPOSES as readonly string[]).includes(value);
}

/** The consent in force per purpose; a purpose never answered counts as not granted. */
export type ConsentState = Record<ConsentPurpose, boolean>;

export function noConsent(): ConsentState {
  return { moral_points: false, credit_records: false, bank_sharing: false, public_boards: false };
}

/**
 * Every place outside the household's own page (and the ledger keepers' working screens) where
 * something about a household shows, with the purposes it needs. "What a purpose without consent
 * hides is hidden everywhere" (issue 9) is this table: a household is shown in a place only while
 * every purpose listed for it is granted. The household itself always sees every record about it
 * (guardrail 9), and the village staff who keep a ledger keep working with it.
 */
export const CONSENT_PLACES = {
  /** GET /api/villages/:villageId/boards: the period's honour board (★3+). */
  village_board: ['moral_points', 'public_boards'],
  /** The printable 四德榜 (GET /api/township/villages/:villageId/honour-board, `stars`). */
  honour_board_stars: ['moral_points', 'public_boards'],
  /** The printable 诚信榜 (same route, `credit`): honours from credit records. */
  honour_board_credit: ['credit_records', 'public_boards'],
  /** The household's place among the village's households, on its own page. */
  rank_in_village: ['moral_points', 'public_boards'],
  /** The head's name on a posted payout list (stars and amounts by household number otherwise). */
  payout_list_name: ['moral_points', 'public_boards'],
  /** Rows of the 积分记录 export (GET /api/township/exports/entries). */
  entries_export: ['moral_points'],
  /** Stars and standing in the 激励兑现 export (the paid amount stays: money is accounted for). */
  payouts_export_standing: ['moral_points'],
  /** Rows of the 信用信息 export (GET /api/township/exports/credit-records). */
  credit_records_export: ['credit_records'],
  /** A grade given to a bank (POST /api/credit/households/:householdId/bank-share). */
  bank_share: ['credit_records', 'bank_sharing'],
} as const satisfies Record<string, readonly ConsentPurpose[]>;

export type ConsentPlace = keyof typeof CONSENT_PLACES;
export const CONSENT_PLACE_NAMES = Object.keys(CONSENT_PLACES) as ConsentPlace[];

/** Whether a household with this consent is shown in `place`. */
export function shownIn(place: ConsentPlace, consent: ConsentState): boolean {
  return CONSENT_PLACES[place].every((p) => consent[p]);
}

/** The places a refusal of `purpose` hides the household from. */
export function hiddenBy(purpose: ConsentPurpose): ConsentPlace[] {
  return CONSENT_PLACE_NAMES.filter((place) => (CONSENT_PLACES[place] as readonly ConsentPurpose[]).includes(purpose));
}
