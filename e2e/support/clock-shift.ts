// Preloaded into the server process (`node --import tsx --import ./e2e/support/clock-shift.ts …`)
// when a test needs "a week later": every `new Date()` / `Date.now()` in the process runs
// E2E_CLOCK_OFFSET_MS ahead of the machine's clock. It changes no server code — like libfaketime,
// it only moves the process's idea of now, so timers and reads see notice windows as ended.
const offset = Number(process.env.E2E_CLOCK_OFFSET_MS ?? '0');

if (Number.isFinite(offset) && offset !== 0) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  console.log(`[e2e] clock shifted by ${offset} ms: now is ${new Date().toISOString()}`);
}
