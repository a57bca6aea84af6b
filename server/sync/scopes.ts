// The scopes a user pulls, derived from the server's own tables (never from the request): one
// `village:<id>` per village the user may read, one `township:<id>` per township whose catalogue
// those villages use (and the user's own township).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { SessionUser } from '../context';
import { canReadVillage } from '../access/scope';
import { scopeOfTownship, scopeOfVillage } from '../../shared/protocol/sync';
import { listTownshipIdsOfVillages } from '../repositories/changes-page';

/** Township scopes first (the catalogue an entry refers to), then villages; each sorted. */
export async function userScopes(db: Kysely<Database>, user: SessionUser): Promise<string[]> {
  const villageIds = user.villageIds.filter((id) => canReadVillage(user, id));
  const townships = new Set(await listTownshipIdsOfVillages(db, villageIds));
  if (user.townshipId) townships.add(user.townshipId);
  return [
    ...[...townships].sort().map(scopeOfTownship),
    ...[...new Set(villageIds)].sort().map(scopeOfVillage),
  ];
}
