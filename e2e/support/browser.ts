// Debian's Chromium driven by playwright-core (no browser download is possible here).
// One persistent context (= one fresh profile, its own IndexedDB, service worker and cookies)
// per simulated person.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const resultsDir = path.join(repoRoot, 'test-results');

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and failed requests seen so far (for failure messages). */
  problems: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  viewport?: { width: number; height: number };
  locale?: string;
}

export async function launchPerson(opts: LaunchOptions = {}): Promise<Person> {
  const profile = mkdtempSync(path.join(tmpdir(), 'cunxin-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: opts.viewport ?? PHONE,
    locale: opts.locale ?? 'zh-CN',
    serviceWorkers: 'allow',
  });
  context.setDefaultTimeout(20_000);
  const problems: string[] = [];
  const note = (line: string) => problems.push(line.length > 240 ? `${line.slice(0, 240)}…` : line);
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') note(`console.error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => note(`pageerror: ${err.message}`));
    page.on('requestfailed', (req) => note(`requestfailed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    problems,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until a service worker controls the page. With clientsClaim the first load is claimed
 * without a reload; otherwise the page is reloaded once after the worker became active.
 */
export async function waitForServiceWorker(page: Page, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reloaded = false;
  while (Date.now() < deadline) {
    const state = await page
      .evaluate(async () => {
        if (!('serviceWorker' in navigator)) return { supported: false, controlled: false, active: false };
        const reg = await navigator.serviceWorker.getRegistration();
        return {
          supported: true,
          controlled: navigator.serviceWorker.controller !== null,
          active: !!reg?.active && reg.active.state === 'activated',
        };
      })
      .catch(() => ({ supported: true, controlled: false, active: false }));
    if (!state.supported) throw new Error('navigator.serviceWorker is not available in this page');
    if (state.controlled) return;
    if (state.active && !reloaded) {
      // Give clients.claim() a moment before falling back to a reload.
      await page.waitForTimeout(1500);
      const now = await page.evaluate(() => navigator.serviceWorker.controller !== null).catch(() => false);
      if (now) return;
      reloaded = true;
      await page.reload({ waitUntil: 'load' });
      continue;
    }
    await page.waitForTimeout(250);
  }
  const reg = await page
    .evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return r ? { scope: r.scope, active: r.active?.state, installing: r.installing?.state, waiting: r.waiting?.state } : null;
    })
    .catch((e) => String(e));
  throw new Error(
    `No service worker controls ${page.url()} after ${timeoutMs} ms (registration: ${JSON.stringify(reg)}). ` +
      'Does the client register the vite-plugin-pwa worker (injectRegister is false in vite.config.ts)?',
  );
}

export async function goOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(true);
}

export async function goOnline(context: BrowserContext): Promise<void> {
  await context.setOffline(false);
}

/**
 * A tab crash (chrome://crash kills its renderer), then the same address opened again in a new
 * tab of the same profile, as the collector would after Android killed the browser. The new page
 * becomes `person.page` and is returned.
 */
export async function crashTab(person: Person, waitFor?: string): Promise<Page> {
  const url = person.page.url();
  const crashed = person.page;
  await crashed.goto('chrome://crash').catch(() => undefined);
  await Promise.race([crashed.close().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
  const page = await person.context.newPage();
  person.page = page;
  await page.goto(url, { waitUntil: 'load' });
  if (waitFor) await page.locator(waitFor).first().waitFor({ timeout: 30_000 });
  return page;
}

/** What the person sees (the viewport), or the whole page with `fullPage`. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

/** `[data-test="name"]` */
export const t = (name: string) => `[data-test="${name}"]`;
