import { describe, expect, it } from 'vitest';
import { CONSENT_PLACE_NAMES, CONSENT_PLACES, CONSENT_PURPOSES, hiddenBy, isConsentPurpose, noConsent, shownIn, type ConsentPlace } from './consent';
import { PURPOSE_HIDES } from './residents';

describe('consent purposes', () => {
  it.each(CONSENT_PURPOSES)('%s is a purpose, refused until granted', (purpose) => {
    expect(isConsentPurpose(purpose)).toBe(true);
    expect(noConsent()[purpose]).toBe(false);
  });
  it.each(['', 'marketing', null, 3])('%s is not a purpose', (value) => {
    expect(isConsentPurpose(value)).toBe(false);
  });
});

describe('consent places', () => {
  it.each(CONSENT_PURPOSES)('refusing %s hides the household somewhere, and the consent form says where', (purpose) => {
    expect(hiddenBy(purpose).length).toBeGreaterThan(0);
    // The words the form uses for each place (shared/domain/residents.ts PURPOSE_HIDES).
    const WORDS: Record<ConsentPlace, string> = {
      village_board: '光荣榜', honour_board_stars: '光荣榜', honour_board_credit: '诚信榜', rank_in_village: '名次',
      payout_list_name: '公示名单', entries_export: '积分报表', payouts_export_standing: '积分报表', credit_records_export: '信用报表', bank_share: '银行',
    };
    for (const place of hiddenBy(purpose)) expect(PURPOSE_HIDES[purpose], place).toContain(WORDS[place]);
  });
  it('a place is shown only with every purpose it needs', () => {
    for (const place of CONSENT_PLACE_NAMES) {
      const all = { moral_points: true, credit_records: true, bank_sharing: true, public_boards: true };
      expect(shownIn(place, all)).toBe(true);
      expect(shownIn(place, noConsent())).toBe(false);
      for (const p of CONSENT_PLACES[place]) expect(shownIn(place, { ...all, [p]: false })).toBe(false);
    }
  });
});
