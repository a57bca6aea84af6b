// LibreOffice as the reader of our XLSX exports (issue 11: "an XLSX export opens in LibreOffice"):
// `libreoffice --headless --convert-to csv` over the files, each run with its own user profile
// (-env:UserInstallation) so that tests running in parallel do not share one and collide.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CANDIDATES = [process.env.LIBREOFFICE_PATH, '/usr/bin/libreoffice', '/usr/bin/soffice', '/usr/lib/libreoffice/program/soffice'].filter((p): p is string => !!p);

/** The binary, or null when LibreOffice is not installed (the tests that need it say so and skip). */
export const LIBREOFFICE: string | null = CANDIDATES.find((p) => fs.existsSync(p)) ?? null;

export const SKIP_WITHOUT_LIBREOFFICE = LIBREOFFICE ? '' : ' — SKIPPED: libreoffice is not installed (Debian package libreoffice-calc-nogui; or set LIBREOFFICE_PATH)';

/**
 * Converts each XLSX (by a name made of [a-z0-9-]) to CSV in one LibreOffice run: UTF-8, comma,
 * double quotes, cells as shown (so a 12.5% cell reads 12.5%, a date 2025-03-01).
 */
export function libreofficeCsvs(files: Record<string, Uint8Array>): Record<string, string> {
  if (!LIBREOFFICE) throw new Error('libreoffice is not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lo-cunxin-'));
  try {
    const names = Object.keys(files);
    for (const n of names) fs.writeFileSync(path.join(dir, `${n}.xlsx`), files[n]);
    execFileSync(LIBREOFFICE, [
      `-env:UserInstallation=file://${dir}/profile`, '--headless', '--norestore',
      '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', dir, ...names.map((n) => path.join(dir, `${n}.xlsx`)),
    ], { stdio: 'pipe', timeout: 180_000 });
    return Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(dir, `${n}.csv`), 'utf8')]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
