// The ID number of a person.create / person.update, opened and checked before the batch's
// transaction (like the content hashes: no database needed), so the write transaction, and the
// SQLite writer thread, only ever see the stored form: keyed hash, last 4 and ciphertext.
import { validateIdNumber } from '../../shared/validation/id-number';
import type { Mutation } from '../../shared/protocol/sync';
import { protectIdNumber, type PiiKeys } from '../security/pii';
import { openSealedId } from '../security/id-transport';

export type PreparedId =
  | { ok: true; idHash: string; idLast4: string; idCipher: string; birthYear: number }
  | { ok: false; code: string; message: string };

/** The sealed ID number a mutation carries, if any. */
export function sealedIdOf(m: Mutation): string | null {
  if (m.kind === 'person.create') return m.payload.idSealed;
  if (m.kind === 'person.update') return m.payload.fields.idSealed ?? null;
  return null;
}

export function prepareIdNumber(keys: PiiKeys, sealed: string, now: Date): PreparedId {
  const opened = openSealedId(keys.transport, sealed);
  if (!opened.ok) {
    return opened.code === 'sealed_key'
      ? { ok: false, code: 'id_key_changed', message: '身份证号码加密所用的密钥已更换，请重新输入身份证号码' }
      : { ok: false, code: 'id_sealed_invalid', message: '身份证号码无法解密，请重新输入' };
  }
  const checked = validateIdNumber(opened.value, now);
  if (!checked.ok) return { ok: false, code: 'invalid_id_number', message: checked.message };
  return { ok: true, ...protectIdNumber(keys, checked.value), birthYear: Number(checked.birthDate.slice(0, 4)) };
}
