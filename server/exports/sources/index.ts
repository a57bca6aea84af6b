// Every export, by its URL segment. Add a RowSource here (payout lists, the roster) and it gets a
// route (GET /api/township/exports/<key>), both formats and the audit row.
import type { RowSource } from '../types';
import { rankingSource } from './ranking';
import { villageTalliesSource } from './village-tallies';
import { entriesSource } from './entries';
import { creditRecordsSource } from './credit-records';
import { payoutsSource } from './payouts';

export const ROW_SOURCES: readonly RowSource[] = [rankingSource, villageTalliesSource, entriesSource, creditRecordsSource, payoutsSource];
