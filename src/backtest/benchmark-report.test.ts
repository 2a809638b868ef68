import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { concatBarBatches, type BarBatch } from '../data/bar-batch.ts';
import { microsColumn, writeParquetFile } from '../data/parquet-write.ts';
import { openBars } from '../data/read-bars.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { readRun } from './read-run.ts';
import { reportRunOf } from './report-of-run.ts';

const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const NVDA = sharedFile('backtrader/nvda-1999-2014.txt');
const tmp = tempDir();

async function report(...extra: string[]) {
  const r = await cli('backtest', '--strategy', 'ma-cross', '--param', 'size=100', '--cash', '100000', '--data', ORCL, '--from', '2000-01-01',
    '--out', join(tmp.dir, 'reports'), '--no-report', '--json', ...extra);
  expect(r.code, r.err).toBe(0);
  return reportRunOf(await readRun((JSON.parse(r.out) as { runDir: string }).runDir));
}

/** Closes by date from a backtrader CSV (Date,Open,High,Low,Close,…). */
function closes(file: string): Map<string, number> {
  return new Map(readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[4])] as const));
}

describe('--benchmark: the report measures the run against a bars file bought and held', () => {
  it('by default the traded instrument; naming the same file gives the same figures; another file other figures', async () => {
    const own = await report();
    const same = await report('--benchmark', ORCL);
    const nvda = await report('--benchmark', NVDA);
    expect(own.summary.trackingError).toBeGreaterThan(0);
    for (const k of ['alpha', 'beta', 'trackingError', 'informationRatio', 'upCapture', 'downCapture'] as const) {
      expect(same.summary[k], k).toBe(own.summary[k]);
      expect(nvda.summary[k], k).not.toBe(own.summary[k]);
    }
    expect(nvda.benchmark?.name).toBe('nvda-1999-2014.txt');
    expect(nvda.benchmark?.value[0]).toBe(100_000);
    // Beta against NVDA from the files, by date (a second alignment, written here): cov(r, b) / var(b), population moments.
    const px = closes(NVDA);
    const days = Array.from(nvda.equity.ts, (t) => new Date(t / 1000).toISOString().slice(0, 10));
    const eq = Array.from(nvda.equity.equity);
    const r = eq.slice(1).map((v, i) => v / eq[i] - 1);
    const b = days.slice(1).map((d, i) => px.get(d)! / px.get(days[i])! - 1);
    const mb = b.reduce((s, x) => s + x, 0) / b.length;
    const mr = r.reduce((s, x) => s + x, 0) / r.length;
    const cov = r.reduce((s, x, i) => s + (x - mr) * (b[i] - mb), 0);
    const varB = b.reduce((s, x) => s + (x - mb) ** 2, 0);
    expect(nvda.summary.beta).toBeCloseTo(cov / varB, 10);
  });

  it('a --benchmark file that does not exist is a usage error before anything runs', async () => {
    const r = await cli('backtest', '--strategy', 'ma-cross', '--data', ORCL, '--no-save', '--benchmark', join(tmp.dir, 'nope.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/benchmark .*nope\.csv: not a bars file, not a symbol of the run's feeds \(ORCL-1995-2014\)/);
  });

  it('a symbol: one of the run\'s feeds (here an untraded one in a portfolio config), or a catalog bars stream VENUE/SYMBOL', async () => {
    const byFile = await report('--benchmark', NVDA);
    // The NVDA bars as a catalog stream (timestamp, open, high, low, close, volume), read back through --catalog.
    const b = await load(NVDA);
    const dir = join(tmp.dir, 'catalog', 'NASDAQ', 'NVDA', 'bars-1d', '1999-01-22');
    mkdirSync(dir, { recursive: true });
    await writeParquetFile(join(dir, 'part-00000.parquet'), { timestamp: microsColumn(b.ts.subarray(0, b.length)), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
    const byCatalog = await report('--benchmark', 'NASDAQ/NVDA', '--catalog', join(tmp.dir, 'catalog'));
    const cfg = join(tmp.dir, 'with-nvda.json');
    writeFileSync(cfg, JSON.stringify({
      cash: 100_000, from: '2000-01-01', data: [{ file: ORCL, instrument: { symbol: 'ORCL' } }, { file: NVDA, instrument: { symbol: 'NVDA' } }],
      portfolio: { sleeves: [{ name: 'orcl', strategy: 'ma-cross', params: { size: 100 }, instruments: ['ORCL'], weight: 1 }] },
    }));
    const r = await cli('backtest', '--config', cfg, '--benchmark', 'NVDA', '--out', join(tmp.dir, 'reports'), '--no-report', '--json');
    expect(r.code, r.err).toBe(0);
    const bySymbol = await reportRunOf(await readRun((JSON.parse(r.out) as { runDir: string }).runDir));
    for (const k of ['alpha', 'beta', 'trackingError', 'informationRatio', 'upCapture', 'downCapture'] as const) {
      expect(byCatalog.summary[k], k).toBe(byFile.summary[k]);
      expect(bySymbol.summary[k], k).toBe(byFile.summary[k]); // the same account: ORCL traded, NVDA only marked
    }
    expect(byCatalog.benchmark?.name).toBe('NVDA 1d');
    expect(bySymbol.benchmark?.name).toBe('NVDA');
    const bad = await cli('backtest', '--strategy', 'ma-cross', '--data', ORCL, '--no-save', '--benchmark', 'NASDAQ/MSFT', '--catalog', join(tmp.dir, 'catalog'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no bars of VENUE\/SYMBOL/);
  });
});

async function load(file: string): Promise<BarBatch> {
  const s = await openBars(file);
  const out: BarBatch[] = [];
  for await (const x of s.batches) out.push(x);
  return concatBarBatches(out);
}
