// Response shapes of docs/api.md that are not sync tables. The client gets them through
// `hc<AppType>` inference; these named types are for readers and for client code that wants a name
// (type-only imports from server/ are fine: nothing of the server is bundled).
import type { EntryDto, HouseholdDto, PersonDto } from '../../shared/protocol/tables';
import type { EntryState } from '../../shared/domain/entry-state';
import type { Standing } from '../../shared/domain/points';
import type { Basis } from '../../shared/domain/review-rules';
import type { EntryEventWithActor, EntryRevisionDto } from '../repositories/review';
import type { Explanation } from '../../shared/domain/explain';

export type { VillageDto, IndicatorDto, CatalogVersionDto, EntryDto, HouseholdDto, PersonDto } from '../../shared/protocol/tables';
export type { NoticeDto } from '../repositories/notices';
export type { VillageRankingRow, RankedVillage, VillageRates, RankingMetric } from '../../shared/domain/ranking';
export type { Me } from '../auth/me';

export type HouseholdSummary = HouseholdDto & { standing: number; stars: number; entryCount: number };

/** docs/api.md `Standing` (shared/domain/points.ts), with maxDeduction explaining a missing ★5. */
export type StandingDto = Standing;

/** One step of an entry's history. Who made it is not shown here: residents see what and why. */
export interface EntryHistoryItem { entryId: string; fromState: EntryState | null; toState: EntryState; reason: string; at: string }

export interface HouseholdDetail {
  household: HouseholdDto;
  persons: PersonDto[];
  /** `reversedBy`: the entry that reverses this one (issue 12: a reversal pair is shown together). */
  entries: (EntryDto & { indicatorNameZh: string; indicatorNameEn: string; reversedBy: string | null; evidence: EntryEvidenceDto[] })[];
  standing: StandingDto;
  /** Extension of docs/api.md: every state change of the household's entries (domain.md). */
  history: EntryHistoryItem[];
  /** Why the standing is what it is, entry by entry, and what would raise it (guardrails 3, 10). */
  explanation: Explanation;
}

export type ReviewItem = EntryDto & {
  householdNo: string; headName: string; indicatorNameZh: string; indicatorNameEn: string; recorderName: string;
  approvals: number; approvalsNeeded: number;
  /** Who has given a first approval (a deduction waits for a second, different member). */
  approverIds: string[];
  isDeduction: boolean;
  /** The stated basis of a deduction (guardrail 2), once its first approver gave it. */
  basis: Basis | null;
  evidence: EntryEvidenceDto[];
  /** For a reversing entry: the entry it takes back, shown beside it. */
  reversesEntry: { id: string; indicatorNameZh: string; points: number; occurredOn: string; state: EntryState } | null;
};

/** GET /api/review/entries/:entryId/history: everything that happened to an entry. */
export interface EntryHistory {
  /** With the indicator's and household's names and the photos, so the screen needs nothing else. */
  entry: EntryDto & { basis: Basis | null; indicatorNameZh: string; householdNo: string; headName: string; evidence: EntryEvidenceDto[] };
  events: EntryEventWithActor[];
  /** Earlier versions replaced by a correction after a return, oldest first. */
  revisions: EntryRevisionDto[];
  /** The entry this one reverses, and the entries that reverse this one: a reversal pair. */
  reverses: EntryDto | null;
  reversedBy: EntryDto[];
  approvalsNeeded: number;
}

/** A photo of an entry (issue 13): `received` is false while the phone is still uploading it. */
export interface EntryEvidenceDto { hash: string; url: string; takenAt: string; received: boolean }
