// The client's address (login throttles, rate limits, logs) and whether it came over HTTPS.
// Proxy headers are believed only from a trusted proxy (TRUST_PROXY): anyone can set
// X-Forwarded-For, and trusting it blindly would let an attacker pick a fresh address per attempt.
// TRUST_PROXY is either a hop count ("1": one proxy in front, whatever its address) or a list of
// addresses / CIDRs ("10.0.0.0/8,127.0.0.1"): the chain is walked from the right and the first
// address that is not a trusted proxy is the client.
import net from 'node:net';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export type TrustPolicy = { hops: number } | { list: net.BlockList } | null;

const cache = new Map<string, TrustPolicy>();

/** Parses TRUST_PROXY; throws on a malformed value (config is checked at start). */
export function parseTrustProxy(value: string | null): TrustPolicy {
  if (!value) return null;
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  let policy: TrustPolicy;
  if (/^\d+$/.test(value)) policy = Number(value) > 0 ? { hops: Number(value) } : null;
  else {
    const list = new net.BlockList();
    for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [addr, bits] = raw.split('/');
      const type = net.isIPv6(addr) ? 'ipv6' : net.isIPv4(addr) ? 'ipv4' : null;
      if (!type) throw new Error(`TRUST_PROXY: not an address or CIDR: ${raw}`);
      if (bits === undefined) list.addAddress(addr, type);
      else list.addSubnet(addr, Number(bits), type);
    }
    policy = { list };
  }
  cache.set(value, policy);
  return policy;
}

const unmapped = (a: string) => (a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a);

function trusted(policy: { list: net.BlockList }, addr: string): boolean {
  const a = unmapped(addr);
  const type = net.isIPv6(a) ? 'ipv6' : net.isIPv4(a) ? 'ipv4' : null;
  return type !== null && policy.list.check(a, type);
}

/** The TCP peer's address; 'unknown' for app.request() in tests (no socket). */
export function peerAddress(c: Context): string {
  try {
    return unmapped(getConnInfo(c).remote.address ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

function policyOf(c: Context): TrustPolicy {
  const deps = c.get('deps') as { config?: { trustProxy?: string | null } } | undefined;
  return parseTrustProxy(deps?.config?.trustProxy ?? null);
}

/** Whether the peer is a proxy we believe (its forwarding headers count). */
function peerTrusted(c: Context, policy: TrustPolicy): boolean {
  if (!policy) return false;
  return 'hops' in policy ? true : trusted(policy, peerAddress(c));
}

/** The chain as a client-first list: X-Forwarded-For entries, then the peer. */
export function clientAddressFrom(peer: string, forwardedFor: string | undefined, policy: TrustPolicy): string {
  if (!policy || !forwardedFor) return peer;
  const chain = [...forwardedFor.split(',').map((s) => unmapped(s.trim())).filter((s) => net.isIP(s) !== 0), peer];
  if ('hops' in policy) return chain[Math.max(0, chain.length - 1 - policy.hops)];
  for (let i = chain.length - 1; i > 0; i--) if (!trusted(policy, chain[i])) return chain[i];
  return chain[0];
}

export function clientAddress(c: Context): string {
  return clientAddressFrom(peerAddress(c), c.req.header('x-forwarded-for'), policyOf(c));
}

/** HTTPS as the client sees it: the URL's scheme, or X-Forwarded-Proto from a trusted proxy. */
export function servedOverHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  const policy = policyOf(c);
  if (!peerTrusted(c, policy)) return false;
  return (c.req.header('x-forwarded-proto') ?? '').split(',')[0].trim().toLowerCase() === 'https';
}

const LOOPBACK = (a: string) => a === '127.0.0.1' || a === '::1' || a.startsWith('127.');

/** A caller on this machine, not relayed by a proxy (a local proxy's requests are not "local"). */
export function isLocalCaller(c: Context): boolean {
  if (c.req.header('x-forwarded-for') || c.req.header('forwarded') || c.req.header('x-real-ip')) return false;
  return LOOPBACK(peerAddress(c));
}
