// What a resident's own household page carries beyond the staff view (issue 9): members' personal
// data masked on the server (ID numbers from the sealed column, guardrail 6; phones), the rank only
// with board consent (guardrail 5), and the objection deadline of entries in public notice.
import type { Deps } from '../../context';
import type { HouseholdDetail } from '../dto';
import { decryptIdNumber } from '../../security/pii';
import { currentConsents } from '../../repositories/consents';
import { listNoticeDeadlinesOfHousehold, listSealedIdsOfHousehold } from '../../repositories/residents';
import { maskIdNumber } from '../../../shared/validation/id-number';
import { maskPhone } from '../../../shared/validation/phone';
import { mayShowRank } from '../../../shared/domain/residents';
import type { ConsentState } from '../../../shared/domain/consent';

export interface ResidentExtras {
  consents: ConsentState;
  /** Members as the resident sees them: `370283********1234`, `138****0001`. */
  members: { personId: string; idMasked: string | null; phoneMasked: string | null }[];
  /** Entries in public notice (publicized or objected) and the end of their objection window. */
  notices: { entryId: string; noticeId: string; endsAt: string }[];
  /** Why no rank is shown, when none is. */
  rankHidden: 'no_consent' | null;
}

export type ResidentHouseholdDetail = HouseholdDetail & { resident: ResidentExtras };

export async function residentView(deps: Deps, body: HouseholdDetail): Promise<ResidentHouseholdDetail> {
  const householdId = body.household.id;
  const [consents, sealed, notices] = await Promise.all([
    currentConsents(deps.db, householdId), listSealedIdsOfHousehold(deps.db, householdId), listNoticeDeadlinesOfHousehold(deps.db, householdId),
  ]);
  const members = body.persons.map((p) => {
    const cipher = sealed.get(p.id);
    let idMasked: string | null = null;
    if (cipher) {
      try { idMasked = maskIdNumber(decryptIdNumber(deps.pii, cipher)); } catch { idMasked = p.idLast4 ? `**************${p.idLast4}` : null; }
    }
    return { personId: p.id, idMasked, phoneMasked: p.phone ? maskPhone(p.phone) : null };
  });
  const showRank = mayShowRank(consents);
  return {
    ...body,
    // No clear phone reaches the resident's phone; the masked form is in `resident.members`.
    household: { ...body.household, phone: body.household.phone ? maskPhone(body.household.phone) : null },
    persons: body.persons.map((p) => ({ ...p, phone: p.phone ? maskPhone(p.phone) : null })),
    standing: showRank ? body.standing : { ...body.standing, rankInVillage: 0 },
    resident: { consents, members, notices, rankHidden: showRank ? null : 'no_consent' },
  };
}
