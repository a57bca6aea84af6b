// The committee's review queue on a slow line: an answer to an older read (the first load still
// under way when a filter is applied) arrives after the newer one and must not replace it — the
// committee would see the unfiltered page under the filter it chose.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ReviewItem } from '../api/types';

type Page = { entries: ReviewItem[]; nextCursor: string | null; total: number };
const pending: { query: unknown; resolve: (p: Page) => void }[] = [];
vi.mock('../api/review', () => ({
  fetchReviewQueue: (_villageId: string, query: unknown) => new Promise<Page>((resolve) => { pending.push({ query: { ...(query as object) }, resolve }); }),
  batchApprove: vi.fn(), decideEntry: vi.fn(), fetchEntryHistory: vi.fn(), fetchNotices: vi.fn(), publishNotice: vi.fn(),
}));

const { useReviewStore } = await import('./review');
const page = (...ids: string[]): Page => ({ entries: ids.map((id) => ({ id }) as ReviewItem), nextCursor: null, total: ids.length });

beforeEach(() => {
  pending.length = 0;
  setActivePinia(createPinia());
});

describe('review queue reads', () => {
  it('keeps the newest read when an older answer arrives after it', async () => {
    const review = useReviewStore();
    const first = review.loadQueue('v1');
    const filtered = review.setFilter('v1', { evidence: 'yes' });
    expect(pending.map((p) => p.query)).toEqual([{}, { evidence: 'yes' }]);
    pending[1].resolve(page('with-photo'));
    await filtered;
    pending[0].resolve(page('a', 'b', 'with-photo'));
    await first;
    expect(review.queue.map((e) => e.id)).toEqual(['with-photo']);
  });

  it('drops a next page that belongs to a read since replaced', async () => {
    const review = useReviewStore();
    const load = review.loadQueue('v1');
    pending[0].resolve({ ...page('a'), nextCursor: 'c1' });
    await load;
    const more = review.loadMore('v1');
    const filtered = review.setFilter('v1', { evidence: 'yes' });
    pending[2].resolve(page('with-photo'));
    await filtered;
    pending[1].resolve(page('b'));
    await more;
    expect(review.queue.map((e) => e.id)).toEqual(['with-photo']);
  });
});
