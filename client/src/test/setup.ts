// Vant's NavBar/Tabbar placeholders re-measure themselves on timers up to 300 ms after mounting.
// Let those timers fire while happy-dom's window still exists, so they don't throw after teardown.
import { afterAll } from 'vitest';

afterAll(() => new Promise((resolve) => setTimeout(resolve, 350)));
