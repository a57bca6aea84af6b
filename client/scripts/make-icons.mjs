// Renders the app icons (a red square with a white 村) with the system Chromium.
// Run once: node client/scripts/make-icons.mjs — the PNGs are committed under client/public/icons.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';

const outDir = fileURLToPath(new URL('../public/icons/', import.meta.url));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    // Maskable icons keep their content inside the central 80% safe zone.
    await page.setContent(`<!doctype html><html><body style="margin:0">
      <div style="width:${size}px;height:${size}px;background:#c8102e;display:flex;align-items:center;
        justify-content:center;color:#fff;font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;
        font-weight:700;font-size:${Math.round(size * 0.56)}px;line-height:1">村</div></body></html>`);
    await page.screenshot({ path: `${outDir}icon-${size}.png`, omitBackground: false });
    await page.close();
  }
} finally {
  await browser.close();
}
