// Which address is the client's, given the peer, X-Forwarded-For and TRUST_PROXY (pure).
import { describe, expect, it } from 'vitest';
import { clientAddressFrom, parseTrustProxy } from './client-address';

describe('clientAddressFrom', () => {
  it('ignores X-Forwarded-For without a trusted proxy', () => {
    expect(clientAddressFrom('10.0.0.5', '1.2.3.4', parseTrustProxy(null))).toBe('10.0.0.5');
    expect(clientAddressFrom('10.0.0.5', '1.2.3.4', parseTrustProxy('0'))).toBe('10.0.0.5');
  });

  it('counts hops from the right, so a client cannot prepend a fake address', () => {
    expect(clientAddressFrom('10.0.0.5', '1.2.3.4', parseTrustProxy('1'))).toBe('1.2.3.4');
    expect(clientAddressFrom('10.0.0.5', '6.6.6.6, 1.2.3.4', parseTrustProxy('1'))).toBe('1.2.3.4');
    expect(clientAddressFrom('10.0.0.5', '6.6.6.6, 1.2.3.4, 10.0.0.9', parseTrustProxy('2'))).toBe('1.2.3.4');
    expect(clientAddressFrom('10.0.0.5', '1.2.3.4', parseTrustProxy('5'))).toBe('1.2.3.4');
  });

  it('walks a CIDR list from the right to the first untrusted address', () => {
    const policy = parseTrustProxy('10.0.0.0/8, 127.0.0.1, ::1');
    expect(clientAddressFrom('10.0.0.5', '6.6.6.6, 1.2.3.4, 10.1.1.1', policy)).toBe('1.2.3.4');
    expect(clientAddressFrom('::ffff:127.0.0.1', '1.2.3.4', policy)).toBe('1.2.3.4');
    // The peer is not a trusted proxy: its header is not believed.
    expect(clientAddressFrom('8.8.8.8', '1.2.3.4', policy)).toBe('8.8.8.8');
    expect(clientAddressFrom('10.0.0.5', 'garbage, 1.2.3.4', policy)).toBe('1.2.3.4');
  });

  it('refuses a malformed TRUST_PROXY', () => {
    expect(() => parseTrustProxy('proxy.example')).toThrow(/TRUST_PROXY/);
  });
});
