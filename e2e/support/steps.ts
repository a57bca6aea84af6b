// A browser story told in steps: each step is one vitest `it`, run in order. Once a step fails,
// the later ones fail at once with "not reached: step … failed" instead of failing again on its
// leftovers; the failed step photographs every open page of everyone in the story and adds the
// last browser problems and the tail of the server's output to its message.
import { it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, type Person } from './browser';
import type { TestServer } from './server';

export interface StoryOptions {
  /** Everyone in the story, read when a step fails (people not launched yet may be undefined). */
  people: () => readonly (Person | null | undefined)[];
  /** The server whose output goes into a failure's message. */
  server: () => TestServer | null | undefined;
  /** Photographs one page on failure (default: the viewport into test-results/). */
  shot?: (page: Page, name: string) => Promise<unknown>;
  /** Starts the names of the failure shots, e.g. 'sync' → FAILED-sync-0-0. */
  prefix?: string;
  /** A step's timeout unless the step says otherwise (default vitest's configured one). */
  timeout?: number;
  /** How many of the last browser problems per person go into the message (default 10). */
  problemLines?: number;
  /** How many of the server's last output lines go into the message (default 30). */
  serverLines?: number;
}

export interface Story {
  step(name: string, fn: () => Promise<void>, timeout?: number): void;
  /** The name of the step that failed, '' while none has. */
  failedStep(): string;
}

export function story(opts: StoryOptions): Story {
  let failed = '';
  const shoot = opts.shot ?? ((page: Page, name: string) => screenshot(page, name));
  const prefix = opts.prefix ? `FAILED-${opts.prefix}` : 'FAILED';

  async function report(err: unknown): Promise<void> {
    const people = opts.people().filter((p): p is Person => !!p);
    for (const [i, p] of people.entries()) {
      for (const [j, page] of p.context.pages().entries()) await shoot(page, `${prefix}-${i}-${j}`).catch(() => undefined);
    }
    if (!(err instanceof Error)) return;
    const problems = people.flatMap((p, i) => p.problems.slice(-(opts.problemLines ?? 10)).map((x) => (people.length > 1 ? `[person ${i}] ${x}` : x)));
    const tail = opts.server()?.output().split('\n').slice(-(opts.serverLines ?? 30)).join('\n') ?? '(no server)';
    err.message += `\n\nBrowser problems:\n${problems.join('\n') || '(none)'}\n\nServer output (tail):\n${tail}`;
  }

  return {
    step(name, fn, timeout = opts.timeout) {
      it(name, async () => {
        if (failed) throw new Error(`not reached: step "${failed}" failed`);
        try {
          await fn();
        } catch (err) {
          failed = name;
          await report(err);
          throw err;
        }
      }, timeout);
    },
    failedStep: () => failed,
  };
}
