// COPY … FROM STDIN with the plain `pg` client, without pg-copy-streams (not a dependency).
// node-postgres accepts any "submittable" object in client.query(); this one sends the COPY
// statement, answers the server's CopyInResponse with the whole payload and CopyDone, and
// resolves on ReadyForQuery. The payload is built in memory (bounded: one village's table).
import type pg from 'pg';

/** The slice of pg's internal Connection that a submittable talks to. */
interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** Bytes per CopyData message: well under the protocol's 1 GB limit, large enough to be cheap. */
const CHUNK = 1 << 20;

class CopyFromStdin {
  callback: ((err: Error | null) => void) | null = null;
  private failed = false;

  constructor(readonly text: string, private readonly payload: Buffer) {}

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    for (let i = 0; i < this.payload.length; i += CHUNK) connection.sendCopyFromChunk(this.payload.subarray(i, i + CHUNK));
    connection.endCopyFrom();
  }

  handleError(err: Error): void {
    // pg drops the active query on an error, so ReadyForQuery will not reach us: answer now.
    this.failed = true;
    this.callback?.(err);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.callback?.(null);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

/**
 * Runs `copy <table> (<columns>) from stdin` with a COPY-text payload. `freeze` writes the rows
 * already frozen (allowed when the table was created or truncated in this transaction), which
 * spares the vacuum and hint-bit writes that would otherwise follow a big load.
 */
export function copyFromStdin(client: pg.Client, table: string, columns: readonly string[], payload: Buffer, freeze = false): Promise<void> {
  return new Promise((resolve, reject) => {
    const q = new CopyFromStdin(`copy ${table} (${columns.join(', ')}) from stdin${freeze ? ' with (freeze)' : ''}`, payload);
    q.callback = (err) => (err ? reject(err) : resolve());
    (client as unknown as { query(q: CopyFromStdin): void }).query(q);
  });
}
