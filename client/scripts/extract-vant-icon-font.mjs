// Vant ships its icon font only as a data: URI inside its CSS, which the app's CSP (font-src
// falls back to 'self') refuses. This writes that font to client/public/fonts/vant-icon.woff2;
// styles/app.css declares it again from there. Re-run after upgrading vant.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const css = fs.readFileSync(require.resolve('vant/lib/index.css'), 'utf8');
const m = /@font-face\{[^}]*font-family:vant-icon[^}]*url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\)/.exec(css);
if (!m) throw new Error('vant-icon font not found in vant/lib/index.css');
const out = fileURLToPath(new URL('../public/fonts/vant-icon.woff2', import.meta.url));
fs.mkdirSync(new URL('../public/fonts/', import.meta.url), { recursive: true });
fs.writeFileSync(out, Buffer.from(m[1], 'base64'));
console.log('wrote', out, fs.statSync(out).size, 'bytes');
