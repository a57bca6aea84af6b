import { describe, expect, it } from 'vitest';
import { CONSENT_PURPOSES, isConsentPurpose, noConsent } from './consent';

describe('consent purposes', () => {
  it.each(CONSENT_PURPOSES)('%s is a purpose, refused until granted', (purpose) => {
    expect(isConsentPurpose(purpose)).toBe(true);
    expect(noConsent()[purpose]).toBe(false);
  });
  it.each(['', 'marketing', null, 3])('%s is not a purpose', (value) => {
    expect(isConsentPurpose(value)).toBe(false);
  });
});
