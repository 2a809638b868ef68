import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (installed by scripts/setup.sh). */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches headless Chromium with the flags this sandboxed, offline machine needs. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run ./scripts/setup.sh (installs Debian's chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Opens a local HTML file, waits for Lockstep's figures to render and collects console errors. */
export async function renderReport(browser: Browser, file: string, screenshot?: string): Promise<{ rendered: number; plots: number; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-rendered], body[data-render-error]', { timeout: 60_000 });
  const renderError = await page.getAttribute('body', 'data-render-error');
  if (renderError) errors.push(renderError);
  const rendered = Number(await page.getAttribute('body', 'data-rendered') ?? 0);
  // Every figure div that plotly drew holds a .main-svg with at least one trace group.
  const plots = await page.locator('.plot').evaluateAll((divs) => divs.filter((d) => d.querySelector('.main-svg') && d.querySelector('.plot-container')).length);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { rendered, plots, errors, requests };
}
