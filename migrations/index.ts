// The ordered list of migrations. Listed explicitly (not read from the folder) so that the same
// list works under tsx, vitest and a bundled server. Add new files here in order.
import type { Migration } from 'kysely';
import * as m0001 from './0001_init';
import * as m0002 from './0002_sync_merge';
import * as m0003 from './0003_person_field_versions';
import * as m0004 from './0004_due_review';
import * as m0005 from './0005_notice_objections';
import * as m0006 from './0006_tallies_catalog';
import * as m0008 from './0008_credit_records';
import * as m0009 from './0009_evidence';
import * as m0010 from './0010_jobs';
import * as m0011 from './0011_rate_limits';
import * as m0012 from './0012_consents_audit';
import * as m0014 from './0014_ledger_shop';
import * as m0015 from './0015_payouts';
import * as m0013 from './0013_credit_ledger';
import * as m0016 from './0016_residents';
import * as m0018 from './0018_township_office';
import * as m0019 from './0019_retention';
import * as m0017 from './0017_console';
import * as m0020 from './0020_credit_evidence';
import * as m0024 from './0024_village_figures';
import * as m0025 from './0025_shop_lapsed_index';
import * as m0026 from './0026_credit_photos_pulled';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_sync_merge': m0002,
  '0003_person_field_versions': m0003,
  '0004_due_review': m0004,
  '0005_notice_objections': m0005,
  '0006_tallies_catalog': m0006,
  '0008_credit_records': m0008,
  '0009_evidence': m0009,
  '0010_jobs': m0010,
  '0011_rate_limits': m0011,
  '0012_consents_audit': m0012,
  '0014_ledger_shop': m0014,
  '0015_payouts': m0015,
  '0013_credit_ledger': m0013,
  '0016_residents': m0016,
  '0018_township_office': m0018,
  '0019_retention': m0019,
  '0017_console': m0017,
  '0020_credit_evidence': m0020,
  '0024_village_figures': m0024,
  '0025_shop_lapsed_index': m0025,
  '0026_credit_photos_pulled': m0026,
};
