import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readRun } from '../backtest/read-run.ts';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, renderReport } from '../../test/browser.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = tempDir();
/** Screenshots go to a temporary folder; `npm run screenshots` points them at reports/screenshots (the README's images). */
const SHOTS = process.env.LOCKSTEP_SCREENSHOTS ? resolve(process.env.LOCKSTEP_SCREENSHOTS) : join(tmp.dir, 'screenshots');
let browser: Browser;


beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 60_000);
afterAll(async () => browser?.close());

describe('HTML reports render offline in headless Chromium', () => {
  it('the demo backtest writes a tearsheet whose 9 charts all render, with no console errors and no network', async () => {
    const out = join(tmp.dir, 'reports');
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', join(ROOT, 'data/sample/2006-day-001.csv'), '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.report).toBe(join(j.runDir, 'report.html'));
    const html = readFileSync(j.report, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/); // plotly from the reports folder, never a CDN
    expect(html).toMatch(/<script src="\.\.\/plotly-[\d.]+\.min\.js"><\/script>/);
    expect(statSync(j.report).size).toBeLessThan(1 << 20); // one plotly.js per reports folder, not one per report
    const res = await renderReport(browser, j.report, join(SHOTS, 'demo-report.png'));
    expect(res.errors).toEqual([]);
    expect(res.requests).toEqual([]);
    expect(res.rendered).toBe(9);
    expect(res.plots).toBe(9);
    expect(statSync(join(SHOTS, 'demo-report.png')).size).toBeGreaterThan(50_000);
  });

  it('a long intraday run (45k one-minute bars, 1,500+ trades) renders, decimated', async () => {
    const out = join(tmp.dir, 'reports-btc');
    const r = await cli('backtest', '--strategy', 'ma-cross', '--data', sharedFile('crypto/btc-perp-20211231-20220201_1m.csv'), '--cash', '100000', '--out', out, '--json');
    const j = JSON.parse(r.out);
    expect(j.trades.length).toBeGreaterThan(1500);
    const res = await renderReport(browser, j.report, join(SHOTS, 'btc-ma-cross-report.png'));
    expect(res.errors).toEqual([]);
    expect(res.rendered).toBe(9);
    expect(res.plots).toBe(9);
    expect(statSync(j.report).size).toBeLessThan(12 << 20); // series are decimated, the trade table capped
  });

  it('lockstep report compares several runs', async () => {
    const out = join(tmp.dir, 'reports-cmp');
    const day = join(ROOT, 'data/sample/2006-day-001.csv');
    const a = JSON.parse((await cli('backtest', '--strategy', 'sma-cross', '--data', day, '--out', out, '--json', '--no-report')).out);
    const b = JSON.parse((await cli('backtest', '--strategy', 'ma-cross', '--data', day, '--out', out, '--json', '--no-report')).out);
    expect(a.report).toBeNull();
    expect(existsSync(join(a.runDir, 'report.html'))).toBe(false);
    const file = join(out, 'cmp.html');
    const r = await cli('report', a.runDir, b.runDir, '--out', file);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(file);
    const res = await renderReport(browser, file, join(SHOTS, 'compare-report.png'));
    expect(res.errors).toEqual([]);
    expect(res.rendered).toBe(2);
    expect(res.plots).toBe(2);
    // a single run folder gets its tearsheet
    const one = await cli('report', a.runDir);
    expect(one.out.trim()).toBe(join(a.runDir, 'report.html'));
  });

  it('a report moved out of its reports folder says plotly.js is missing; report --inline writes a standalone page that renders', async () => {
    const out = join(tmp.dir, 'reports-move');
    const j = JSON.parse((await cli('backtest', '--strategy', 'sma-cross', '--data', join(ROOT, 'data/sample/2006-day-001.csv'), '--out', out, '--json')).out);
    const moved = join(tmp.dir, 'moved.html');
    copyFileSync(j.report, moved);
    const lost = await renderReport(browser, moved);
    expect(lost.errors.join(' ')).toMatch(/plotly\.js not found/);
    expect(lost.plots).toBe(0);
    const r = await cli('report', j.runDir, '--inline');
    expect(r.code, r.err).toBe(0);
    expect(statSync(j.report).size).toBeGreaterThan(3 << 20);
    copyFileSync(j.report, moved);
    const standalone = await renderReport(browser, moved);
    expect(standalone.errors).toEqual([]);
    expect(standalone.plots).toBe(9);
  });

  it('a two-strategy portfolio (ORCL + NVDA) saves its sleeves and its tearsheet draws their curves, composition and correlation', async () => {
    const out = join(tmp.dir, 'reports-portfolio');
    const cfg = join(tmp.dir, 'portfolio.json');
    writeFileSync(cfg, JSON.stringify({
      cash: 200_000, from: '2000-01-03',
      data: [{ file: sharedFile('backtrader/orcl-1995-2014.txt'), instrument: { symbol: 'ORCL' } }, { file: sharedFile('backtrader/nvda-1999-2014.txt'), instrument: { symbol: 'NVDA' } }],
      portfolio: { rebalance: 'quarterly', sleeves: [
        { name: 'orcl-trend', strategy: 'vol-target-trend', instruments: ['ORCL'], weight: 0.5 },
        { name: 'nvda-swing', strategy: 'rsi-reversion', params: { size: 2000 }, instruments: ['NVDA'], weight: 0.4 },
      ] },
    }));
    const r = await cli('backtest', '--config', cfg, '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.portfolio.sleeves.map((s: { name: string }) => s.name)).toEqual(['orcl-trend', 'nvda-swing']);
    // Read back from the folder: each sleeve's curve plus the unallocated cash is the account's equity at every point.
    const saved = await readRun(j.runDir);
    const p = saved.portfolio!;
    expect(p.series.ts.length).toBe(saved.equity.ts.length);
    let worst = 0;
    for (let i = 0; i < saved.equity.ts.length; i++) {
      const sum = p.series.equity[0][i] + p.series.equity[1][i] + p.unallocated;
      worst = Math.max(worst, Math.abs(sum - saved.equity.equity[i]) / saved.equity.equity[i]);
    }
    expect(worst).toBeLessThan(1e-9);
    expect(p.rebalances.length).toBeGreaterThan(0);
    const res = await renderReport(browser, j.report, join(SHOTS, 'portfolio-report.png'));
    expect(res.errors).toEqual([]);
    expect(res.rendered).toBe(12); // the tearsheet's 9 and the sleeves' 3
    expect(res.plots).toBe(12);
    const html = readFileSync(j.report, 'utf8');
    expect(html).toContain('Strategies (sleeves)');
    expect(html).toContain('nvda-swing');
  });

  it('report on a folder that is not a run is a one-line usage error', async () => {
    const r = await cli('report', tmp.dir);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/not a run folder/);
  });
});
