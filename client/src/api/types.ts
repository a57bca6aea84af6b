// Response shapes of docs/api.md, as the client reads them.
import type { Role } from '../../../shared/domain/roles';
import type {
  CatalogVersionDto, EntryDto, HouseholdDto, IndicatorDto, PersonDto, VillageDto,
} from '../../../shared/protocol/tables';

export interface Me {
  id: string;
  displayName: string;
  role: Role;
  townshipId: string | null;
  householdId: string | null;
  villageIds: string[];
}

export interface Standing {
  year: number;
  base: number;
  effective: number;
  pending: number;
  standing: number;
  projected: number;
  stars: number;
  rankInVillage: number | null;
  householdsInVillage: number | null;
}

export type HouseholdSummary = HouseholdDto & { standing: number; stars: number; entryCount: number };

export type DetailEntry = EntryDto & { indicatorNameZh: string; indicatorNameEn: string };

export interface HouseholdDetail {
  household: HouseholdDto;
  persons: PersonDto[];
  entries: DetailEntry[];
  standing: Standing;
}

export interface CatalogAnswer {
  catalogVersion: CatalogVersionDto;
  indicators: IndicatorDto[];
}

export type ReviewItem = EntryDto & {
  householdNo: string;
  headName: string;
  indicatorNameZh: string;
  /** Not in docs/api.md yet; shown when the server sends it. */
  indicatorNameEn?: string;
  recorderName: string;
  approvals: number;
  approvalsNeeded: number;
};

export type ReviewDecision = 'approve' | 'reject' | 'return';

export interface NoticeDto {
  id: string;
  villageId: string;
  startsAt: string;
  endsAt: string;
  status: string;
  entryCount?: number;
}

export interface VillageRankingRow {
  villageId: string;
  villageName: string;
  households: number;
  participationRate: number;
  medianStanding: number;
  star3Share: number;
  entriesThisYear: number;
  pendingReview: number;
  effectiveEntries: number;
}

export type { VillageDto };
