// Response shapes of docs/api.md that are not sync tables. The client gets them through
// `hc<AppType>` inference; these named types are for readers and for client code that wants a name
// (type-only imports from server/ are fine: nothing of the server is bundled).
import type { EntryDto, HouseholdDto, PersonDto } from '../../shared/protocol/tables';
import type { EntryState } from '../../shared/domain/entry-state';
import type { Standing } from '../../shared/domain/points';

export type { VillageDto, IndicatorDto, CatalogVersionDto, EntryDto, HouseholdDto, PersonDto } from '../../shared/protocol/tables';
export type { NoticeDto } from '../repositories/notices';
export type { VillageRankingRow } from '../../shared/domain/ranking';
export type { Me } from '../auth/me';

export type HouseholdSummary = HouseholdDto & { standing: number; stars: number; entryCount: number };

/** docs/api.md `Standing` (shared/domain/points.ts), with maxDeduction explaining a missing ★5. */
export type StandingDto = Standing;

/** One step of an entry's history. Who made it is not shown here: residents see what and why. */
export interface EntryHistoryItem { entryId: string; fromState: EntryState | null; toState: EntryState; reason: string; at: string }

export interface HouseholdDetail {
  household: HouseholdDto;
  persons: PersonDto[];
  entries: (EntryDto & { indicatorNameZh: string; indicatorNameEn: string; evidence: EntryEvidenceDto[] })[];
  standing: StandingDto;
  /** Extension of docs/api.md: every state change of the household's entries (domain.md). */
  history: EntryHistoryItem[];
}

export type ReviewItem = EntryDto & {
  householdNo: string; headName: string; indicatorNameZh: string; recorderName: string;
  approvals: number; approvalsNeeded: number;
  evidence: EntryEvidenceDto[];
};

/** A photo of an entry (issue 13): `received` is false while the phone is still uploading it. */
export interface EntryEvidenceDto { hash: string; url: string; takenAt: string; received: boolean }
