// UUIDv7 ids the server makes while applying a batch (entry events, conflicts): 48 bits of Unix
// milliseconds, version 7, variant 10, 74 random bits (RFC 9562). The uuidv7 package formats
// through a UUID object and asks the system for randomness every second id; a 200-entry batch
// makes 200 ids, so this draws 4 KiB of CSPRNG output at a time and formats from a byte table.
// Ids are monotonic within the process (RFC 9562 method 1): the 12 bits after the version are a
// counter within one millisecond, so events made in one batch sort in the order they happened
// (a household's history orders its events by time, then id).
import crypto from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = Buffer.alloc(4096);
let cursor = pool.length;

function randomBytes10(): number {
  if (cursor + 10 > pool.length) {
    crypto.randomFillSync(pool);
    cursor = 0;
  }
  const at = cursor;
  cursor += 10;
  return at;
}

let lastMs = 0;
let counter = 0;

/** A new UUIDv7 string (lower-case 8-4-4-4-12), greater than every id made before it here. */
export function newId(clockMs: number = Date.now()): string {
  let nowMs = clockMs;
  if (nowMs <= lastMs) {
    nowMs = lastMs;
    counter++;
    if (counter > 0xfff) { // 4,096 ids in one millisecond: borrow the next millisecond
      nowMs = ++lastMs;
      counter = 0;
    }
  } else {
    lastMs = nowMs;
    counter = 0;
  }
  const r = randomBytes10();
  const hi = Math.floor(nowMs / 0x10000); // top 32 of the 48 time bits
  const lo = nowMs % 0x10000;
  const b = pool;
  return `${HEX[(hi >>> 24) & 255]}${HEX[(hi >>> 16) & 255]}${HEX[(hi >>> 8) & 255]}${HEX[hi & 255]}-` +
    `${HEX[lo >>> 8]}${HEX[lo & 255]}-` +
    `${HEX[0x70 | (counter >>> 8)]}${HEX[counter & 255]}-` +
    `${HEX[0x80 | (b[r + 2] & 0x3f)]}${HEX[b[r + 3]]}-` +
    `${HEX[b[r + 4]]}${HEX[b[r + 5]]}${HEX[b[r + 6]]}${HEX[b[r + 7]]}${HEX[b[r + 8]]}${HEX[b[r + 9]]}`;
}
