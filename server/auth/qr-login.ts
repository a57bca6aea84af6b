// Login with a household's QR slip (issue 9). Throttled per address like the PIN login; a revoked
// slip is refused with its own clear message (the household asks the village for a new one).
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { AppError } from '../http/errors';
import { clientAddress } from '../http/client-address';
import { findUserById } from '../repositories/users';
import { findQrToken, markSessionQr } from '../repositories/residents';
import { hashQrToken, QR_TOKEN_SHAPE } from '../routes/residents/qr-token';
import { assertNotThrottled, recordFailure, type ThrottleKeys } from './throttle';
import { startSession } from './login';
import type { Me } from './me';

export async function logInWithQr(c: Context<AppEnv>, token: string): Promise<Me> {
  const deps = c.get('deps');
  const ip = clientAddress(c);
  const keys: ThrottleKeys = { account: `qr:${ip}`, ip: `ip:${ip}` };
  await assertNotThrottled(deps.db, keys, deps.now());
  const found = QR_TOKEN_SHAPE.test(token) ? await findQrToken(deps.db, hashQrToken(token)) : null;
  if (!found) {
    await recordFailure(deps.db, keys, deps.now());
    throw new AppError(401, 'bad_qr', '二维码无法识别，请重新扫描，或向村委会索取新的二维码');
  }
  if (found.revokedAt) {
    await recordFailure(deps.db, keys, deps.now());
    throw new AppError(401, 'qr_revoked', '这张二维码已作废，不能再登录。请到村委会领取新的二维码，或用手机号和PIN码登录。');
  }
  const user = await findUserById(deps.db, found.userId);
  if (!user || !user.active || user.householdId !== found.householdId) throw new AppError(401, 'bad_qr', '二维码无法识别，请向村委会索取新的二维码');
  return startSession(c, user.id, (sessionId) => markSessionQr(deps.db, sessionId, found.id));
}
