// argon2id hashes of staff passwords and resident PINs (security.md "Access").
// Parameters: OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane) — moderate on purpose, so that a
// village-office PC or a small VM can log many people in, and tests stay fast. Hashes carry their
// parameters (PHC string), so raising them later only affects new hashes.
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, OPTIONS); // argon2id is the library's default algorithm
}

let dummyHash: Promise<string> | null = null;

/**
 * Verifies a secret; with no stored hash (unknown user) a dummy hash is verified anyway, so that
 * "no such user" and "wrong password" take the same time and cannot be told apart.
 */
export async function verifySecret(stored: string | null, secret: string): Promise<boolean> {
  if (!stored) {
    dummyHash ??= hashSecret('cunxin-dummy-secret');
    await verify(await dummyHash, secret).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, secret);
  } catch {
    return false; // a malformed stored hash is a failed login, not a 500
  }
}
