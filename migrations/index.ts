// The ordered list of migrations. Listed explicitly (not read from the folder) so that the same
// list works under tsx, vitest and a bundled server. Add new files here in order.
import type { Migration } from 'kysely';
import * as m0001 from './0001_init';
import * as m0002 from './0002_sync_merge';
import * as m0003 from './0003_person_field_versions';
import * as m0011 from './0011_rate_limits';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_init': m0001,
  '0002_sync_merge': m0002,
  '0003_person_field_versions': m0003,
  '0011_rate_limits': m0011,
};
