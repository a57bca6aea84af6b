// Photo evidence in browser tests: camera-sized photos to hand to the form's file input, what the
// phone keeps of them (IndexedDB `cunxin-evidence`, read from the page), and what the server holds
// (rows of evidence_blobs and the stored file, hashed again here).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { serverSql } from './sync-helpers';
import type { TestServer } from './server';

/**
 * Writes a camera-sized PNG with some texture (so that the phone's JPEG compression has work to
 * do); a different `seed` gives a different photo (a different hash).
 */
export function cameraPhoto(file: string, seed = 0, size = { width: 2400, height: 1800 }): void {
  const png = new PNG(size);
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const n = (x * 7 + y * 13 + seed * 31) % 255;
      png.data[i] = (x / 10 + seed * 40) % 255;
      png.data[i + 1] = (y / 8 + n) % 255;
      png.data[i + 2] = ((x ^ y) + seed * 17) % 255;
      png.data[i + 3] = 255;
    }
  }
  fs.writeFileSync(file, PNG.sync.write(png));
}

/**
 * A photo as the phone keeps it (IndexedDB `cunxin-evidence`, store `photos`), without its Blob;
 * `longSide` (pixels) is read by decoding the Blob, `blobSha256` by hashing it, both in the page.
 */
export interface PhonePhoto { hash: string; size: number; type: string; uploaded: number; gps: unknown; longSide: number; blobSha256: string }

/** Every photo the phone keeps, read with the indexedDB API from the page. */
export function phonePhotos(page: Page): Promise<PhonePhoto[]> {
  return page.evaluate(async () => {
    const rows = await new Promise<(Omit<PhonePhoto, 'longSide' | 'blobSha256'> & { blob: Blob })[]>((resolve, reject) => {
      const req = indexedDB.open('cunxin-evidence');
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const db = req.result;
        const all = db.transaction('photos').objectStore('photos').getAll();
        all.onsuccess = () => {
          db.close();
          resolve(all.result);
        };
        all.onerror = () => reject(all.error);
      };
    });
    const out: PhonePhoto[] = [];
    for (const p of rows) {
      const bitmap = await createImageBitmap(p.blob);
      // The page's WebCrypto (globalThis: `crypto` here would name the Node module imported above).
      const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', await p.blob.arrayBuffer()));
      out.push({
        hash: p.hash, size: p.size, type: p.type, uploaded: p.uploaded, gps: p.gps,
        longSide: Math.max(bitmap.width, bitmap.height),
        blobSha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
      });
      bitmap.close();
    }
    return out;
  });
}

/**
 * The server's copy of a photo on the embedded (SQLite) default: its evidence_blobs row and the
 * SHA-256 of the file it stored under data/evidence/, computed here (null when it has none).
 */
export function serverPhoto(server: TestServer, hash: string): { size: number; complete: number; fileSha256: string | null } | null {
  const row = serverSql<{ size: number; complete: number }>(server, 'SELECT size, complete FROM evidence_blobs WHERE sha256 = ?', hash)[0];
  if (!row) return null;
  const file = path.join(server.dataDir, 'evidence', hash.slice(0, 2), hash);
  const fileSha256 = fs.existsSync(file) ? crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') : null;
  return { ...row, fileSha256 };
}
