// Accessibility and Lighthouse audits for the quality gates (issue 13 "Quality bars"):
// axe-core in the test's own Chromium page, and Lighthouse 12 (mobile preset: simulated slow 4G and
// 4× CPU) against Debian's Chromium, started by chrome-launcher, with the session of a logged-in
// collector made in that same browser (playwright over CDP) and kept (disableStorageReset).
import { AxeBuilder } from '@axe-core/playwright';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM } from './browser';

export interface AxeFinding { rule: string; impact: string; help: string; targets: string[] }

/** Serious and critical violations on the page as it is now (WCAG 2.x A/AA and best practices). */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page: page as never }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export interface LighthouseScores { url: string; performance: number; accessibility: number; bestPractices: number; failing: string[] }

/**
 * Lighthouse (mobile) on `paths`, after `prepare` ran in the same browser (e.g. a login).
 * Scores are 0–100. `failing` names the audits that lost points, for the failure message.
 */
export async function lighthouseScores(baseUrl: string, paths: string[], prepare?: (page: Page) => Promise<void>): Promise<LighthouseScores[]> {
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    if (prepare) {
      const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
      const context = browser.contexts()[0];
      const page = await context.newPage();
      await prepare(page);
      await page.close();
      await browser.close().catch(() => undefined); // disconnects; the Chromium stays for Lighthouse
    }
    const out: LighthouseScores[] = [];
    for (const p of paths) {
      const result = await lighthouse(baseUrl + p, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
        disableStorageReset: true,
      });
      if (!result) throw new Error(`Lighthouse gave no result for ${p}`);
      const { categories, audits } = result.lhr;
      const score = (k: string) => Math.round((categories[k]?.score ?? 0) * 100);
      const failing = Object.values(audits)
        .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable' && a.scoreDisplayMode !== 'manual')
        .map((a) => `${a.id}${a.displayValue ? ` (${a.displayValue})` : ''}`);
      out.push({ url: p, performance: score('performance'), accessibility: score('accessibility'), bestPractices: score('best-practices'), failing });
    }
    return out;
  } finally {
    chrome.kill();
  }
}
