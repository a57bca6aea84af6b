// Arbitraries for the request fuzz test (server/http/fuzz.test.ts): hostile paths, queries,
// headers and bodies. Test support, not product code.
import fc from 'fast-check';
import { PROTOCOL_VERSION, SCHEMA_VERSION } from '../../../shared/protocol/sync';

export interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
  caller: number; // index into the test's callers (0: anonymous)
}

const BIDI = ['\u202e', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f', '\u061c'];
const CONTROL = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\r', '\n', '\t'];
const LONE = ['\ud800', '\udfff', '\udc00x', 'a\ud83d'];
const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\ufeff'];

/** Strings a hostile client would send: unicode, lone surrogates, control and bidi characters. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...BIDI, ...CONTROL, ...LONE, ...ZERO_WIDTH, '', ' ', '张三', '370283199001011234', '13800000001', '__proto__', 'constructor', '../../etc/passwd', '%00', "' or 1=1 --"),
  fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom(...BIDI, ...CONTROL, ...LONE), fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

const jsonLeaf = fc.oneof(
  nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308, -0, 2 ** 53 + 1),
);

/** Any JSON value, with nasty strings and the occasional deep nesting. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, jsonLeaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(fc.oneof(nastyString, fc.constantFrom('id', 'kind', 'payload', 'householdId', 'mutations', 'username', 'password', 'phone', 'pin', 'decision', 'keep', 'days', 'reason')), tie('value'), { maxKeys: 6 }),
})).value;

const uuid = fc.uuid({ version: 7 });

/** Sync envelopes that are nearly right: versions, ids and items perturbed. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });
export const syncish = fc.record({
  protocol: mostly(fc.constant(PROTOCOL_VERSION), jsonLeaf),
  schema: mostly(fc.constant(SCHEMA_VERSION), jsonLeaf),
  deviceId: mostly(uuid, nastyString),
  mutations: fc.oneof(
    fc.array(fc.record({
      id: fc.oneof(uuid, nastyString), kind: fc.oneof(fc.constantFrom('entry.create', 'entry.withdraw', 'household.update', 'person.update', 'nope'), nastyString),
      deviceSeq: fc.oneof(fc.nat(), jsonLeaf), at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), nastyString),
      payload: fc.oneof(jsonValue, fc.record({
        entryId: fc.oneof(uuid, nastyString), householdId: fc.oneof(uuid, nastyString), personId: fc.oneof(fc.constant(null), uuid),
        catalogVersionId: fc.oneof(uuid, nastyString), indicatorCode: nastyString, occurredOn: fc.oneof(fc.constant('2026-11-27'), nastyString),
        points: fc.oneof(fc.integer({ min: -2000, max: 2000 }), jsonLeaf), note: nastyString, reverses: fc.constant(null),
        baseVersion: fc.oneof(fc.nat(), jsonLeaf), fields: jsonValue, reason: nastyString,
      }, { requiredKeys: [] })),
    }, { requiredKeys: [] }), { maxLength: 8 }),
    jsonValue,
  ),
  cursors: mostly(fc.constant({}), fc.oneof(fc.dictionary(nastyString, fc.oneof(fc.nat(), jsonLeaf), { maxKeys: 4 }), jsonValue)),
  pullLimit: fc.oneof(fc.integer({ min: -5, max: 10_000 }), jsonLeaf),
}, { requiredKeys: ['protocol', 'schema', 'deviceId', 'mutations'] });

const deepNesting = fc.integer({ min: 100, max: 20_000 }).chain((n) => fc.constantFrom('[', '{"a":').map((open) => {
  const close = open === '[' ? ']' : '}';
  return open.repeat(n) + '1' + close.repeat(n);
}));

const invalidJson = fc.oneof(
  fc.constantFrom('{', '{"a":', '[1,2', 'nul', 'tru', '{"a":1}}', "{'a':1}", '{"a":NaN}', '{"a":Infinity}', '\ufeff{}', '{"\\ud800":1}', '"\\u00"', '{"a":"\u0000"}', ''),
  nastyString,
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);

/** A body: valid JSON of any shape, a near-valid sync envelope, invalid JSON, deep nesting or oversized. */
export const body: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
  { weight: 4, arbitrary: syncish.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: invalidJson },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.integer({ min: 520 * 1024, max: 900 * 1024 }).map((n) => JSON.stringify({ note: 'x'.repeat(n) })) },
);

/** A header value fetch accepts (Latin-1, no CR/LF/NUL), yet hostile. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom('', ' ', '\u00ff\u00fe', 'a'.repeat(8000), '1.2.3.4, 5.6.7.8', 'unknown', '::1', '999.999.999.999', 'https', 'Bearer ', 'Bearer x'),
);

const contentType = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/problem+json',
  'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'APPLICATION/JSON', '',
);

const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.record({
  'content-type': contentType,
  'x-forwarded-for': headerValue,
  'x-forwarded-proto': headerValue,
  'x-request-id': headerValue,
  'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', '*', 'gzip;q=0', headerValue as unknown as string),
  authorization: headerValue,
  cookie: fc.oneof(headerValue, headerValue.map((v) => `cx_session=${v}`)),
  accept: headerValue,
}, { requiredKeys: [] });

/** Mostly a well-formed JSON request (so that the handlers are reached), often a hostile one. */
export const headers: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ 'content-type': 'application/json' }) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: hostileHeaders.map((h) => ({ ...h, 'content-type': 'application/json', cookie: '' })) },
  { weight: 2, arbitrary: hostileHeaders },
);

/** A path segment: a real id of the fixture, or something hostile (percent-encoded as bytes). */
export function segment(realIds: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realIds) },
    { weight: 1, arbitrary: uuid },
    { weight: 2, arbitrary: nastyString.map(encodeBytes) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '..', '%2e%2e', '%00', '%ED%A0%80', ' ') },
  );
}

export const queryString = fc.array(fc.tuple(
  fc.oneof(fc.constantFrom('villageId', 'year', 'days', 'limit', 'cursor', '__proto__'), nastyString.map(encodeBytes)),
  fc.oneof(nastyString.map(encodeBytes), fc.integer().map(String), fc.constantFrom('%', '%ff', '2026', '1e9')),
), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));

/** Percent-encodes every byte (lone surrogates become U+FFFD, as a browser would send them). */
export function encodeBytes(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
