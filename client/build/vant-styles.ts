// Vant's CSS on demand: instead of the whole vant/lib/index.css (199 KB, most of it for components
// the app never shows), every module that imports components from 'vant' also imports those
// components' own styles, so each route's chunk carries only the CSS it needs.
// The icon font is dropped from Vant's CSS: it is a 45 KB base64 data: URI with a CDN fallback
// the CSP refuses; styles/app.css declares it again from /fonts/vant-icon.woff2.
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

const VANT_ES = path.resolve(import.meta.dirname, '../../node_modules/vant/es');

/** Function APIs whose styles live under a component's folder. */
const FUNCTION_STYLES: Record<string, string> = {
  showToast: 'toast', showLoadingToast: 'toast', showSuccessToast: 'toast', showFailToast: 'toast', closeToast: 'toast',
  showDialog: 'dialog', showConfirmDialog: 'dialog', closeDialog: 'dialog',
  showNotify: 'notify', closeNotify: 'notify',
  showImagePreview: 'image-preview',
};

const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** The style modules that `import { … } from 'vant'` statements in `code` need. */
export function vantStyleImports(code: string): string[] {
  const dirs = new Set<string>();
  for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]vant['"]/g)) {
    for (const raw of m[1].split(',')) {
      const spec = raw.trim();
      if (!spec || spec.startsWith('type ')) continue;
      const name = spec.split(/\s+as\s+/)[0].trim();
      const dir = FUNCTION_STYLES[name] ?? (/^[A-Z]/.test(name) ? kebab(name) : undefined);
      if (dir && fs.existsSync(path.join(VANT_ES, dir, 'style/index.mjs'))) dirs.add(dir);
    }
  }
  return [...dirs].sort().map((dir) => `vant/es/${dir}/style/index.mjs`);
}

const ICON_FONT_FACE = /@font-face\s*\{[^}]*font-family:\s*vant-icon[^}]*\}/g;

export function vantStylesOnDemand(): Plugin[] {
  return [
    {
      name: 'cunxin:vant-icon-font-from-app',
      enforce: 'pre',
      transform(code, id) {
        if (!/[\\/]vant[\\/](es|lib)[\\/](icon[\\/]index|index)\.css$/.test(id)) return null;
        return { code: code.replace(ICON_FONT_FACE, ''), map: null };
      },
    },
    {
      name: 'cunxin:vant-styles-on-demand',
      // Unit tests render without CSS (vitest would hand the .css files to Node).
      apply: (_config, env) => env.mode !== 'test',
      transform(code, id) {
        const file = id.split('?')[0];
        if (file.includes('node_modules') || !/\.(vue|ts)$/.test(file)) return null;
        if (id.includes('?') && !id.includes('type=script')) return null;
        const styles = vantStyleImports(code);
        if (styles.length === 0) return null;
        return { code: styles.map((s) => `import '${s}';\n`).join('') + code, map: null };
      },
    },
  ];
}
