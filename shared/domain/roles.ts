// The five roles of domain.md and what scope each holds.
export const ROLES = ['admin', 'township', 'committee', 'collector', 'resident'] as const;
export type Role = (typeof ROLES)[number];
