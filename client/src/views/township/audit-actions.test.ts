// The township audit screen names every action the server writes (issue 11): each code of
// shared/domain/audit-actions.ts (the type of every recordAudit call) has a zh-CN and an English
// label, and the server's source writes no code outside that list.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import messages from '../../i18n/features/console';
import { AUDIT_ACTIONS, auditActionKey, EXPORT_KEYS } from '../../../../shared/domain/audit-actions';

const SERVER = path.resolve(__dirname, '../../../../server');

function label(locale: 'zh-CN' | 'en', action: string): unknown {
  return auditActionKey(action).split('.').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], messages[locale]);
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('audit action labels', () => {
  it.each(AUDIT_ACTIONS.map((a) => [a]))('%s has a zh-CN and an English label', (action) => {
    const zh = label('zh-CN', action);
    const en = label('en', action);
    expect(typeof zh === 'string' && /[\u4e00-\u9fff]/.test(zh), `zh-CN label of ${action}`).toBe(true);
    expect(typeof en === 'string' && en.length > 3 && en !== action, `English label of ${action}`).toBe(true);
  });

  it('labels nothing that is not an action (no stale labels)', () => {
    const keys = (locale: 'zh-CN' | 'en') => Object.keys((messages[locale].console.audit as { actions: Record<string, string> }).actions).sort();
    const expected = AUDIT_ACTIONS.map((a) => auditActionKey(a).split('.').pop()!).sort();
    expect(keys('zh-CN')).toEqual(expected);
    expect(keys('en')).toEqual(expected);
  });

  it('every action code written in server/ is listed (and so labelled), and only the audit repository writes the log', () => {
    const files = sources(SERVER);
    expect(files.length).toBeGreaterThan(50);
    const written = new Set<string>();
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      if (/insertInto\(\s*'audit_log'\s*\)/.test(text)) expect(path.relative(SERVER, f)).toBe(path.join('repositories', 'audit.ts'));
      if (!/recordAudit|audited\(|audit\(/.test(text)) continue;
      // action: 'x.y' / a ternary of them; audited(c, caller, 'x.y', …) and audit('x.y', …) helpers.
      for (const m of text.matchAll(/action: ((?:[^,}]*?'[a-z_.-]+'[^,}]*?)+)[,}]/g)) for (const code of m[1].matchAll(/'([a-z_]+\.[a-z_.-]+)'/g)) written.add(code[1]);
      for (const m of text.matchAll(/(?:audited\(c, caller, |audit\()'([a-z_]+\.[a-z_.-]+)'/g)) written.add(m[1]);
      for (const m of text.matchAll(/const action = ([^;]+);/g)) for (const code of m[1].matchAll(/'([a-z_]+\.[a-z_.-]+)'/g)) written.add(code[1]);
    }
    expect(written.size).toBeGreaterThan(25);
    for (const code of written) expect(AUDIT_ACTIONS as readonly string[], code).toContain(code);
    // The exports write export.<key> for every row source.
    for (const k of EXPORT_KEYS) expect(AUDIT_ACTIONS as readonly string[]).toContain(`export.${k}`);
  });
});
