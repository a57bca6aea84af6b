// Names for the API's response shapes (docs/api.md). They come from the server's own DTO types
// (type-only: nothing of the server is bundled), so client and server cannot drift apart.
export type {
  Me, HouseholdSummary, HouseholdDetail, ReviewItem, NoticeDto, VillageRankingRow, VillageDto,
  StandingDto, EntryHistoryItem, EntryHistory, EntryEvidenceDto,
} from '../../../server/routes/dto';
export type { BatchResult } from '../../../server/routes/review/batch';
export type { Basis, BasisKind } from '../../../shared/domain/review-rules';

export type { ConflictDto } from '../../../server/repositories/conflicts';

export type ReviewDecision = 'approve' | 'reject' | 'return';
export type { ResidentExtras, ResidentHouseholdDetail } from '../../../server/routes/residents/view';
export type { CorrectionRow } from '../../../server/repositories/residents';
