// docs/sync-protocol.md "Examples to copy": every `request` block is sent as it is, with a
// collector's session, and must get the `answer` block that follows it (status and content).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../test/databases';
import { createFixture, type Fixture } from '../test/fixtures';

interface Example { request: string; status: number; answer: unknown }

function docExamples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/<!-- example: (request|answer (\d{3})) -->\s*```json\n([\s\S]*?)\n```/g)];
  const out: Example[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const [, kind, , text] = blocks[i];
    if (kind !== 'request') continue;
    const next = blocks[i + 1];
    if (!next || !next[1].startsWith('answer')) throw new Error(`example request without an answer: ${text.slice(0, 80)}`);
    out.push({ request: text, status: Number(next[2]), answer: JSON.parse(next[3]) });
  }
  return out;
}

/** `expected` with "…" for any value; objects and arrays are matched as subsets (arrays by position). */
function matches(actual: unknown, expected: unknown, where = '$'): string[] {
  if (expected === '…') return actual === undefined ? [`${where}: missing`] : [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${where}: expected an array`];
    if (expected.length === 0 && actual.length !== 0) return [`${where}: expected an empty array`];
    return expected.flatMap((e, i) => matches(actual[i], e, `${where}[${i}]`));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return [`${where}: expected an object`];
    return Object.entries(expected).flatMap(([k, v]) => matches((actual as Record<string, unknown>)[k], v, `${where}.${k}`));
  }
  return Object.is(actual, expected) ? [] : [`${where}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
}

const DOC = fs.readFileSync(new URL('../../docs/sync-protocol.md', import.meta.url), 'utf8');

describe.each(await testDialects())('docs/sync-protocol.md examples on %s', (dialect) => {
  let fx: Fixture;
  beforeAll(async () => { fx = await createFixture(dialect); });
  afterAll(async () => { await fx.close(); });

  it('has examples, and each gets the documented answer when sent as it is', async () => {
    const examples = docExamples(DOC);
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const problems: string[] = [];
    for (const ex of examples) {
      const res = await fx.app.request('/api/sync', { method: 'POST', headers: { 'content-type': 'application/json', cookie: await fx.cookie('collector') }, body: ex.request });
      const text = await res.text();
      if (res.status !== ex.status) problems.push(`${ex.request.slice(0, 60)}: status ${res.status}, documented ${ex.status}: ${text.slice(0, 200)}`);
      else problems.push(...matches(JSON.parse(text), ex.answer).map((p) => `${ex.request.slice(0, 60)}: ${p}`));
    }
    expect(problems).toEqual([]);
  });
});
