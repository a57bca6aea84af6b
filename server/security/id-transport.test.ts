import { describe, expect, it } from 'vitest';
import { idTransportKeyFrom, openSealedId } from './id-transport';
import { sealIdNumber } from '../../client/src/platform/id-seal';

const key = idTransportKeyFrom('1'.repeat(64));

describe('ID numbers sealed on the phone (WebCrypto) and opened on the server', () => {
  it('derives the same key pair from the same master key, another from another', () => {
    expect(idTransportKeyFrom('1'.repeat(64)).publicKey).toBe(key.publicKey);
    expect(idTransportKeyFrom('2'.repeat(64)).keyId).not.toBe(key.keyId);
    expect(Buffer.from(key.publicKey, 'base64url')).toHaveLength(65);
  });

  it('opens what the phone sealed; the sealed text does not contain the number; every seal differs', async () => {
    const id = '11010519491231002X';
    const a = await sealIdNumber(key, id);
    const b = await sealIdNumber(key, id);
    expect(a).not.toContain(id);
    expect(a).not.toContain('1231002');
    expect(a).not.toBe(b);
    expect(openSealedId(key, a)).toEqual({ ok: true, value: id });
    expect(openSealedId(key, b)).toEqual({ ok: true, value: id });
  });

  it('refuses a seal for another key, a tampered one and junk', async () => {
    const sealed = await sealIdNumber(key, '11010519491231002X');
    const other = idTransportKeyFrom('2'.repeat(64));
    expect(openSealedId(other, sealed)).toEqual({ ok: false, code: 'sealed_key' });
    // Same key id but a different key behind it: authentication fails.
    expect(openSealedId({ ...other, keyId: key.keyId, ecdh: other.ecdh }, sealed)).toEqual({ ok: false, code: 'sealed_invalid' });
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    expect(openSealedId(key, [...parts.slice(0, 4), body.toString('base64url')].join('.'))).toEqual({ ok: false, code: 'sealed_invalid' });
    for (const junk of ['', 'e1', 'e2.a.b.c.d', `e1.${key.keyId}.AAAA.AAAA.AAAA`, 'x'.repeat(1000)]) {
      expect(openSealedId(key, junk).ok).toBe(false);
    }
  });
});
