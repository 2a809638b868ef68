import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { loadParquetWasm } from '../data/parquet-wasm.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';

const DAY = sharedFile('backtrader/2006-day-001.txt');
const tmp = tempDir();


describe('lockstep backtest', () => {
  it('--json prints one object with the documented fields; values agree with the fills', async () => {
    const { code, out, err } = await cli('backtest', '--strategy', 'sma-cross', '--data', DAY, '--json', '--no-save');
    expect(err).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(out);
    for (const k of ['finalValue', 'cash', 'fills', 'trades', 'metrics', 'events', 'timing']) expect(j).toHaveProperty(k);
    expect(j.events).toBe(255);
    expect(j.timing.loadSeconds).toBeGreaterThanOrEqual(0);
    expect(j.timing.runSeconds).toBeGreaterThanOrEqual(0);
    for (const f of j.fills) expect(Object.keys(f)).toEqual(expect.arrayContaining(['side', 'price', 'qty', 'ts']));
    // Cash recomputed from the fills (no fees) must equal the reported cash.
    const cash = j.fills.reduce((c: number, f: { side: string; price: number; qty: number }) => c + (f.side === 'buy' ? -1 : 1) * f.price * f.qty, 10_000);
    expect(j.cash).toBeCloseTo(cash, 8);
    for (const k of ['totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'trades', 'winRate', 'profitFactor', 'exposure']) {
      expect(j.metrics).toHaveProperty(k);
    }
    expect(j.metrics.totalReturn).toBeCloseTo(j.finalValue / 10_000 - 1, 12);
    expect(j.metrics.maxDrawdown).toBeGreaterThan(0);
  });

  it('--data repeats for several feeds (named by --symbol); an order decided at one time fills on the next bar, as backtrader', async () => {
    const fixture = resolve(import.meta.dirname, '../../test/fixtures/two-feed-strategy.ts');
    const { code, out, err } = await cli('backtest', '--strategy', fixture, '--data', sharedFile('backtrader/orcl-1995-2014.txt'), '--data', sharedFile('backtrader/nvda-1999-2014.txt'),
      '--symbol', 'ORCL', '--symbol', 'NVDA', '--tick-size', '0.000001', '--cash', '100000', '--from', '2000-01-01', '--to', '2000-02-01', '--json', '--no-save');
    expect(err).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(out);
    // backtrader (two GenericCSVData feeds, buy on the 3rd next(), sell on the 6th): NVDA 2000-01-06 open 3.671875, 2000-01-11 open 3.583333.
    expect(j.fills.map((f: { instrumentId: string; price: number; side: string }) => [f.instrumentId, f.side, f.price])).toEqual([['NVDA.SIM', 'buy', 3.671875], ['NVDA.SIM', 'sell', 3.583333]]);
    expect(j.cash).toBeCloseTo(99999.11458, 8);
    const mismatched = await cli('backtest', '--strategy', fixture, '--data', DAY, '--data', DAY, '--symbol', 'A');
    expect(mismatched.code).toBe(2);
    expect(mismatched.err).toMatch(/2 --data but 1 --symbol/);
  });

  it('commission rate 0.1% charges 0.001 × notional on every fill', async () => {
    const { out } = await cli('backtest', '--strategy', 'sma-cross', '--data', DAY, '--commission-rate', '0.001', '--json', '--no-save');
    const j = JSON.parse(out);
    const notional = j.fills.reduce((s: number, f: { price: number; qty: number }) => s + f.price * f.qty, 0);
    expect(j.fees).toBeCloseTo(notional * 0.001, 8);
    for (const f of j.fills) expect(f.fee).toBeCloseTo(f.price * f.qty * 0.001, 10);
  });

  it('saves result.json plus Parquet series atomically under --out', async () => {
    const outDir = join(tmp.dir, 'reports');
    const { code, out } = await cli('backtest', '--strategy', 'sma-cross', '--data', DAY, '--out', outDir, '--json');
    expect(code).toBe(0);
    const j = JSON.parse(out);
    // No temporary folder left behind; beside the run, the reports folder's one copy of plotly.js.
    expect(readdirSync(outDir).sort()).toEqual([j.id, expect.stringMatching(/^plotly-[\d.]+\.min\.js$/)].sort());
    const files = readdirSync(j.runDir).sort();
    expect(files).toEqual(['equity.parquet', 'fills.parquet', 'logs.jsonl', 'orders.parquet', 'report.html', 'result.json', 'trades.parquet']);
    const saved = JSON.parse(readFileSync(join(j.runDir, 'result.json'), 'utf8'));
    expect(saved.finalValue).toBe(j.finalValue);
    expect(saved.counts.fills).toBe(j.fills.length);
    const pw = await loadParquetWasm();
    const fills = tableFromIPC(pw.readParquet(readFileSync(join(j.runDir, 'fills.parquet'))).intoIPCStream());
    expect(fills.numRows).toBe(j.fills.length);
    expect(fills.getChild('price')!.toArray()).toEqual(Float64Array.from(j.fills, (f: { price: number }) => f.price));
    const eq = tableFromIPC(pw.readParquet(readFileSync(join(j.runDir, 'equity.parquet'))).intoIPCStream());
    expect(eq.numRows).toBe(255);
  });

  it('the same run twice gives the same fills digest (determinism)', async () => {
    const a = JSON.parse((await cli('backtest', '--strategy', 'ma-cross', '--data', DAY, '--json', '--no-save')).out);
    const b = JSON.parse((await cli('backtest', '--strategy', 'ma-cross', '--data', DAY, '--json', '--no-save')).out);
    expect(a.fillsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(a.fillsDigest).toBe(b.fillsDigest);
  });

  const userErrors: Array<[string, string[], number, RegExp]> = [
    ['missing --data', ['--strategy', 'sma-cross'], 2, /--data \(or --venue and --symbol\) is required/],
    ['unknown strategy', ['--strategy', 'nope', '--data', DAY], 2, /nope/],
    ['missing file', ['--strategy', 'sma-cross', '--data', '/no/such.csv'], 1, /\/no\/such\.csv not found/],
    ['bad number', ['--strategy', 'sma-cross', '--data', DAY, '--cash', 'lots'], 2, /--cash/],
    ['bad param', ['--strategy', 'sma-cross', '--data', DAY, '--param', 'period=-3'], 2, /period/],
    ['unknown flag', ['--strategy', 'sma-cross', '--data', DAY, '--bogus'], 2, /bogus/],
    ['two commission schemes', ['--strategy', 'sma-cross', '--data', DAY, '--commission-rate', '0.1', '--commission-per-contract', '2'], 2, /choose one/],
  ];
  for (const [name, args, exit, msg] of userErrors) {
    it(`user error (${name}) prints one line and exits ${exit}`, async () => {
      const { code, out, err } = await cli('backtest', ...args, '--no-save');
      expect(code).toBe(exit);
      expect(out).toBe('');
      expect(err.trimEnd().split('\n')).toHaveLength(1);
      expect(err).toMatch(msg);
    });
  }

  it('bad data names file, row and field', async () => {
    const f = tmp.file('bad.csv', 'date,open,high,low,close\n2024-01-01,1,2,1,1\n2024-01-02,1,2,1,oops\n');
    const { code, err } = await cli('backtest', '--strategy', 'sma-cross', '--data', f, '--no-save');
    expect(code).toBe(1);
    expect(err).toContain(`${f}:3 field "close"`);
  });
});

describe('bin/lockstep.js', () => {
  const root = resolve(import.meta.dirname, '../..');
  it('runs as a process: summary table on stdout, exit 0', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin/lockstep.js'), 'backtest', '--strategy', 'sma-cross', '--data', DAY, '--no-save'], { cwd: root }).toString();
    expect(out).toMatch(/final value\s+10284\.10/);
    expect(out).toMatch(/fills\s+23/);
  });
  it('exits non-zero with one line on a user error', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/lockstep.js'), 'frobnicate'], { cwd: root });
    expect(r.status).toBe(2);
    expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(root, 'bin/lockstep.js'))).toBe(true);
  });
});
