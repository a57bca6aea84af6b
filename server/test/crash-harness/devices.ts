// Simulated phones for the crash harness. Each behaves like the app's outbox + sync runner
// (client/src/db/outbox.ts, client/src/sync/runner.ts), over real HTTP:
// - a mutation stays in the device's outbox until an `applied` / `duplicate` answer for its id;
// - a request without an answer (connection refused/reset: the server was killed) is retried with
//   the same ids, which is exactly the "lost answer" case when the server had committed;
// - answers are matched by id, never by position; the cursors of the answer are kept.
import { uuidv7 } from 'uuidv7';
import { PROTOCOL_VERSION, SCHEMA_VERSION, type Mutation, type MutationResult, type SyncResponse } from '../../../shared/protocol/sync';

/** What a harness entry needs from the server's data: households the user may write, a catalogue, an indicator. */
export interface EntryWorld {
  householdIds: string[];
  catalogVersionId: string;
  indicatorCode: string;
  pointsMin: number;
  pointsMax: number;
  occurredOn: string;
}

/** Marker in the note: ties a stored row to the entry id the phone sent, whatever id the server stored it under. */
export const NOTE_PREFIX = 'crash-harness ';
export const noteOf = (entryId: string) => `${NOTE_PREFIX}${entryId}`;

/** The harness's view of the server: where it is and whether it is up (changes at every kill/restart). */
export interface ServerLink {
  url(): string;
  /** Number of the server process currently up (1, 2, …); a kill ends it. */
  generation(): number;
  /** Resolves once a server of a generation > `after` is up (or after `fallbackMs`, for errors that were not kills). */
  waitUp(after: number, fallbackMs?: number): Promise<void>;
  /** Devices create new entries only while this is true; afterwards they drain their outbox and stop. */
  creating(): boolean;
  /** The harness gave up waiting for the outboxes to drain: stop now. */
  stopped(): boolean;
  /** Counts requests in flight (the killer reports how many it cut off). */
  inFlight: { n: number };
  /** A device got an answer from the server of generation `gen`. */
  answered(gen: number): void;
}

export interface DeviceStats {
  requests: number;
  noAnswer: number;
  http5xx: number;
  /** A mutation whose request got no answer came back later as a replayed `duplicate`: the server had committed it. */
  lostAnswers: number;
  created: number;
}

type EntryCreate = Extract<Mutation, { kind: 'entry.create' }>;

export class SimDevice {
  readonly deviceId = uuidv7();
  /** Mutations not yet acknowledged, in device order. */
  readonly outbox: EntryCreate[] = [];
  /** Every entry id this device ever created (and put on the wire or will). */
  readonly created = new Map<string, string>(); // entryId -> mutation id
  /** Mutation ids answered applied/duplicate (acknowledged): the device has forgotten them. */
  readonly acked = new Map<string, string>(); // mutation id -> entryId
  /** Answers that a phone would have to show the collector (rejected/conflict/forbidden): must not happen here. */
  readonly unexpected: string[] = [];
  readonly stats: DeviceStats = { requests: 0, noAnswer: 0, http5xx: 0, lostAnswers: 0, created: 0 };
  private readonly unanswered = new Set<string>();
  private cursors: Record<string, number> = {};
  private deviceSeq = 0;

  constructor(
    private readonly cookie: string,
    private readonly world: EntryWorld,
    private readonly rng: () => number,
    private readonly batchMax: number,
  ) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rng() * xs.length)];
  }

  private createEntry(): void {
    const entryId = uuidv7();
    const w = this.world;
    const m: EntryCreate = {
      id: uuidv7(), kind: 'entry.create', deviceSeq: ++this.deviceSeq, at: new Date().toISOString(),
      payload: {
        entryId, householdId: this.pick(w.householdIds), personId: null, catalogVersionId: w.catalogVersionId,
        indicatorCode: w.indicatorCode, occurredOn: w.occurredOn,
        points: w.pointsMin + Math.floor(this.rng() * (w.pointsMax - w.pointsMin + 1)), note: noteOf(entryId), reverses: null,
      },
    };
    this.outbox.push(m);
    this.created.set(entryId, m.id);
    this.stats.created++;
  }

  /** Pushes until the harness stops creating and the outbox is empty. */
  async run(link: ServerLink): Promise<void> {
    for (;;) {
      if (link.stopped()) return;
      if (link.creating()) {
        const n = 1 + Math.floor(this.rng() * 4);
        for (let i = 0; i < n; i++) this.createEntry();
      } else if (this.outbox.length === 0) {
        return;
      }
      const batch = this.outbox.slice(0, 1 + Math.floor(this.rng() * this.batchMax));
      const gen = link.generation();
      const answer = await this.send(link, batch);
      if (answer === 'no-answer') {
        this.stats.noAnswer++;
        for (const m of batch) this.unanswered.add(m.id);
        await link.waitUp(gen);
        continue;
      }
      if (answer === 'server-error') {
        this.stats.http5xx++;
        await link.waitUp(gen, 200);
        continue;
      }
      link.answered(gen);
      this.applyAnswer(batch, answer);
    }
  }

  private async send(link: ServerLink, batch: EntryCreate[]): Promise<SyncResponse | 'no-answer' | 'server-error'> {
    this.stats.requests++;
    link.inFlight.n++;
    try {
      const res = await fetch(`${link.url()}/api/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: this.cookie },
        body: JSON.stringify({
          protocol: PROTOCOL_VERSION, schema: SCHEMA_VERSION, deviceId: this.deviceId,
          mutations: batch, cursors: this.cursors, pullLimit: 500,
        }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      if (res.status >= 500) return 'server-error';
      if (res.status !== 200) {
        this.unexpected.push(`HTTP ${res.status}: ${text.slice(0, 300)}`);
        throw new Error(`device ${this.deviceId}: HTTP ${res.status} ${text.slice(0, 300)}`);
      }
      return JSON.parse(text) as SyncResponse;
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('device ')) throw err;
      return 'no-answer'; // refused, reset, cut off mid-body: the phone cannot know whether it was applied
    } finally {
      link.inFlight.n--;
    }
  }

  private applyAnswer(batch: EntryCreate[], res: SyncResponse): void {
    const byId = new Map<string, MutationResult>(res.results.map((r) => [r.id, r]));
    const leaving = new Set<string>();
    for (const m of batch) {
      const r = byId.get(m.id);
      if (!r) continue; // no answer for this item: keep it, send again
      if (r.status === 'applied' || r.status === 'duplicate') {
        // A replay of an item the server had committed although its answer never arrived.
        if (r.status === 'duplicate' && this.unanswered.has(m.id)) this.stats.lostAnswers++;
        this.acked.set(m.id, m.payload.entryId);
      } else {
        this.unexpected.push(`${m.id}: ${r.status} ${r.code ?? ''} ${r.message ?? ''}`);
      }
      leaving.add(m.id);
      this.unanswered.delete(m.id);
    }
    for (let i = this.outbox.length - 1; i >= 0; i--) if (leaving.has(this.outbox[i].id)) this.outbox.splice(i, 1);
    for (const page of res.changes ?? []) this.cursors[page.scope] = page.cursor;
  }
}
