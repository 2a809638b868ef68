/**
 * Opens executed notebooks (exported to HTML by nbconvert) in Debian's Chromium, offline,
 * and checks that every Lockstep figure in their outputs was drawn by plotly and that no
 * output script failed. Usage: node --import tsx scripts/check-notebook-figures.ts FILE.html...
 */
import { launchChromium } from '../test/browser.ts';

const files = process.argv.slice(2);
const browser = await launchChromium();
let failed = false;
try {
  for (const file of files) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // Offline: nbconvert's page asks CDNs for require.js / MathJax; those requests are refused.
    await page.route(/^https?:/, (r) => r.abort());
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const total = await page.locator('.lockstep-figure').count();
    // Up to a minute for plotly to draw them all.
    for (let i = 0; i < 240 && (await page.locator('.lockstep-figure:has(.main-svg)').count()) < total; i++) await page.waitForTimeout(250);
    const drawn = await page.locator('.lockstep-figure:has(.main-svg)').count();
    const ours = errors.filter((e) => !/require|MathJax|define is not defined/i.test(e));
    const ok = drawn === total && ours.length === 0;
    console.log(`${ok ? 'figures ok' : 'FIGURES FAILED'}: ${file} — ${drawn}/${total} plotly figures drawn${ours.length ? `; errors: ${ours.join(' | ')}` : ''}`);
    if (!ok) failed = true;
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
