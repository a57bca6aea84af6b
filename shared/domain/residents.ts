// Residents (issue 9): the rules of their access that need no I/O. PIN strength, the personal-data
// fields a correction may be asked for, and what each consent purpose, when refused, hides.
import type { ConsentPurpose, ConsentState } from './consent';
import { noConsent, shownIn } from './consent';

/** 6 digits, not one digit repeated, not a run up or down (the first PINs anyone tries). */
export function pinProblem(pin: string): string | null {
  if (!/^\d{6}$/.test(pin)) return 'PIN码为6位数字';
  if (/^(\d)\1{5}$/.test(pin)) return 'PIN码不能是同一个数字';
  const d = [...pin].map(Number);
  const step = d[1] - d[0];
  if ((step === 1 || step === -1) && d.every((x, i) => i === 0 || x - d[i - 1] === step)) return 'PIN码不能是连续数字';
  return null;
}

/** The personal-data fields a resident may ask the village admin to correct. */
export const CORRECTION_FIELDS = ['name', 'relation', 'birthYear', 'phone', 'idNumber', 'householdHead', 'other'] as const;
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];
export const CORRECTION_FIELD_ZH: Record<CorrectionField, string> = {
  name: '姓名', relation: '与户主关系', birthYear: '出生年份', phone: '手机号', idNumber: '身份证号', householdHead: '户主', other: '其他',
};
/** An ID number is never typed into a request: the village admin checks the card in person. */
export const fieldTakesValue = (f: CorrectionField) => f !== 'idNumber';

export const CORRECTION_STATUSES = ['pending', 'done', 'refused'] as const;
export type CorrectionStatus = (typeof CORRECTION_STATUSES)[number];

/**
 * What a refused purpose hides, in plain Chinese for the consent form: the places of
 * CONSENT_PLACES (shared/domain/consent.ts) that need it. The household itself always sees every
 * record about it (guardrail 9); consent governs who else sees it. A test keeps each sentence in
 * step with the table (shared/domain/residents.test.ts).
 */
export const PURPOSE_HIDES: Record<ConsentPurpose, string> = {
  moral_points: '不同意：积分只有本户和村里记分、审核的人能看到，不上光荣榜，不显示名次，公示名单上不写户主姓名，也不写进上报的积分报表。',
  credit_records: '不同意：信用记录只由村里的信用工作人员保管，不上诚信榜，不写进上报的信用报表，也不提供给银行。',
  bank_sharing: '不同意：不向银行提供本户的信用等级，不能办理“信易贷”等优惠贷款。',
  public_boards: '不同意：本户不上村里的光荣榜和诚信榜，公示名单上不写户主姓名，页面上也不显示本户在村里的名次。',
};

/** A household appears on a public board only with both purposes granted (guardrails 4, 5). */
export const mayAppearOnBoard = (c: Pick<ConsentState, 'moral_points' | 'public_boards'>) => shownIn('village_board', { ...noConsent(), ...c });
/** Its own rank within the village is shown to the household only with board consent. */
export const mayShowRank = (c: Pick<ConsentState, 'moral_points' | 'public_boards'>) => shownIn('rank_in_village', { ...noConsent(), ...c });
