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
