// UUIDv7 ids the server makes while applying a batch (entry events, conflicts). The uuidv7
// package's default generator asks the system for 32 bytes of randomness every second id; a
// 200-entry batch makes 200 ids, so this one draws 4 KiB at a time from the same CSPRNG.
import crypto from 'node:crypto';
import { V7Generator } from 'uuidv7';

class PooledRandom {
  private readonly buffer = new Uint32Array(1024);
  private cursor = this.buffer.length;
  nextUint32(): number {
    if (this.cursor >= this.buffer.length) {
      crypto.randomFillSync(this.buffer);
      this.cursor = 0;
    }
    return this.buffer[this.cursor++];
  }
}

const generator = new V7Generator(new PooledRandom());

/** A new UUIDv7 (monotonic within this process). */
export const newId = (): string => generator.generate().toString();
