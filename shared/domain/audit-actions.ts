// Every action the server writes to the audit log (server/repositories/audit.ts types its `action`
// as AuditAction, so a new one does not compile until it is listed here), with the code the
// township's audit screen translates (client/src/i18n/features/console.ts, console.audit.actions;
// client/src/views/township/audit-actions.test.ts checks every code has a zh-CN and an English label).

/** The exports that leave the system (server/exports/sources): export.<key>. */
export const EXPORT_KEYS = ['ranking', 'village-tallies', 'entries', 'credit-records', 'payouts', 'roster'] as const;
export type ExportKey = (typeof EXPORT_KEYS)[number];

export const AUDIT_ACTIONS = [
  ...EXPORT_KEYS.map((k) => `export.${k}` as const),
  'anomaly.check',
  'roster.upload', 'roster.import',
  'user.create', 'user.update', 'user.disable', 'user.enable', 'user.password_reset', 'user.pin_reset', 'user.sessions_revoked',
  'consent.change',
  'correction.request', 'correction.done', 'correction.refused',
  'resident.pin_set', 'resident.pin_reset', 'resident.qr_issue', 'resident.qr_revoke',
  'payout.budget', 'payout.topup', 'payout.round', 'payout.post', 'payout.village_approve', 'payout.township_approve', 'payout.pay', 'payout.pay_later', 'payout.return', 'payout.release',
  'credit.kind_saved', 'credit.grade_rules_saved', 'credit.perk_saved', 'credit.sample_drawn', 'credit.bank_share', 'credit.bank_share_refused',
  'credit.negative_purged',
  'shop.item.create', 'shop.stock.receive', 'shop.stock.write_off', 'shop.handover',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The i18n key of an action's label (vue-i18n nests on dots, so they become underscores). */
export const auditActionKey = (action: string) => `console.audit.actions.${action.replace(/[.-]/g, '_')}`;
