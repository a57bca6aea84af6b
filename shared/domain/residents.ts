// Residents (issue 9): the rules of their access that need no I/O. PIN strength, the personal-data
// fields a correction may be asked for, and what each consent purpose, when refused, hides.
import type { ConsentPurpose, ConsentState } from './consent';

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
 * What a refused purpose hides (docs/residents.md). The household itself always sees every record
 * about it (guardrail 9); consent governs who else sees it.
 * - moral_points: the standing is kept for the household and the committee, but it is on no public
 *   board and gets no rank (not shown to anyone as a place among others);
 * - credit_records: credit records are not shared outside the village credit staff (credit engineer);
 * - bank_sharing: nothing goes to a bank (credit engineer);
 * - public_boards: never on a public board (honours only), no rank shown on the household's own page.
 */
export const PURPOSE_HIDES: Record<ConsentPurpose, string> = {
  moral_points: '不同意：积分只有本户和村委会能看到，不上光荣榜，也不参加排名。',
  credit_records: '不同意：信用记录只由村信用工作人员保管，不对外提供。',
  bank_sharing: '不同意：不向银行提供本户的信用信息，不能办理“信易贷”等优惠。',
  public_boards: '不同意：本户不上村里的光荣榜，页面上也不显示本户在村里的名次。',
};

/** A household appears on a public board only with both purposes granted (guardrails 4, 5). */
export const mayAppearOnBoard = (c: Pick<ConsentState, 'moral_points' | 'public_boards'>) => c.moral_points && c.public_boards;
/** Its own rank within the village is shown to the household only with board consent. */
export const mayShowRank = (c: Pick<ConsentState, 'moral_points' | 'public_boards'>) => c.moral_points && c.public_boards;
