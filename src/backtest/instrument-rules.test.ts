import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const STOP_LOSS = join(ROOT, 'test/fixtures/stop-loss-strategy.ts');
const ORCL = sharedFile('backtrader/orcl-1995-2014.txt');
const tmp = tempDir();

/** ORCL's bars read straight from the CSV (Date,Open,High,Low,Close,…), independently of Lockstep's readers. */
function orclBars(): { open: number; low: number }[] {
  return readFileSync(ORCL, 'utf8').trim().split('\n').slice(1).map((line) => {
    const c = line.split(',');
    return { open: Number(c[1]), low: Number(c[3]) };
  });
}

const json = async (...argv: string[]) => {
  const r = await cli(...argv);
  return { ...r, j: r.out.trim().startsWith('{') ? JSON.parse(r.out) : null };
};

describe('instrument rules from the data', () => {
  it('ORCL (6-decimal prices) with a percentage stop-loss and no tick flag: the tick is inferred, the stop rounded onto it and filled', async () => {
    const r = await json('backtest', '--strategy', STOP_LOSS, '--data', ORCL, '--cash', '100000', '--no-save', '--json');
    expect(r.code).toBe(0);
    expect(r.j.instruments[0].tickSize).toBe(0.000001); // the file's prices have 6 decimals
    expect(r.j.rejections.total).toBe(0);
    expect(r.j.offGrid).toMatchObject({ policy: 'round', rounded: 1, refused: 0 });
    // Hand check: bought on bar 5's decision → filled at bar 6's open; the sell stop 10% below,
    // rounded down onto the 1e-6 grid; it works from bar 7 and fills at the stop, or the open when the bar gaps below it.
    const bars = orclBars();
    const entry = bars[6].open;
    const stop = Math.floor(entry * 0.9 * 1e6 + 1e-6) / 1e6;
    const j = bars.findIndex((b, k) => k >= 7 && b.low <= stop);
    expect(j).toBeGreaterThan(7);
    expect(r.j.fills.map((f: { side: string; price: number; qty: number }) => [f.side, f.qty])).toEqual([['buy', 100], ['sell', 100]]);
    expect(r.j.fills[0].price).toBeCloseTo(entry, 9);
    expect(r.j.fills[1].price).toBeCloseTo(Math.min(bars[j].open, stop), 9);
  });

  it('with offGrid refuse the off-grid stop is refused, counted by reason and shown in the summary', async () => {
    const r = await cli('backtest', '--strategy', STOP_LOSS, '--data', ORCL, '--cash', '100000', '--off-grid', 'refuse', '--no-save');
    expect(r.code).toBe(0); // the entry filled: the run did something
    expect(r.out).toMatch(/orders refused\s+1: invalid-price 1/);
    expect(r.out).toMatch(/not on the tick grid/);
  });

  it('a run whose every order is refused exits 1 with a one-line reason (0.5 shares on a lot of 1)', async () => {
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', join(ROOT, 'data/sample/2006-day-001.csv'), '--param', 'size=0.5', '--no-save');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/every order was refused \(\d+ invalid-quantity\)/);
    expect(r.out).toMatch(/orders refused/);
  });

  it('a run that replays no events exits 1, naming the range the data does cover', async () => {
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', join(ROOT, 'data/sample/2006-day-001.csv'), '--from', '2030-01-01', '--no-save');
    expect(r.code).toBe(1);
    // the file's first and last rows, read off the CSV: 2006-01-02 and 2006-12-29
    expect(r.err).toMatch(/no market events to replay — .*2006-day-001\.csv: its data \(2006-01-02T00:00:00\.000Z to 2006-12-29T00:00:00\.000Z\) lies outside the window 2030-01-01/);
  });

  it('data synth stores its instrument spec: grid-mm runs on it without flags', async () => {
    const dir = join(tmp.dir, 'synth');
    expect((await cli('data', 'synth', '--events', '30000', '--seed', '2', '--out', dir)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'instrument.json'), 'utf8'))).toEqual({ tickSize: 0.01, lotSize: 0.001 });
    const r = await json('backtest', '--strategy', 'grid-mm', '--data', dir, '--cash', '100000', '--no-save', '--json');
    expect(r.code).toBe(0);
    expect(r.j.instruments[0]).toMatchObject({ tickSize: 0.01, lotSize: 0.001 });
    expect(r.j.rejections.total).toBe(0);
    expect(r.j.fills.length).toBeGreaterThan(0);
  });

  it('data import --instrument stores NautilusTrader instrument facts with the catalog data; backtests use them', async () => {
    const catalog = join(tmp.dir, 'catalog');
    const spec = sharedFile('crypto/binance-btcusdt-instrument.txt');
    const imp = await cli('data', 'import', '--format', 'binance', '--venue', 'BINANCE', '--symbol', 'BTCUSDT', '--instrument', spec, '--catalog', catalog,
      sharedFile('crypto/binance-btcusdt-trades.parquet'));
    expect(imp.code).toBe(0);
    // The values printed in the file: price_increment=0.01, size_increment=0.000001, maker_fee=0.001, taker_fee=0.001.
    expect(JSON.parse(readFileSync(join(catalog, 'BINANCE/BTCUSDT/instrument.json'), 'utf8'))).toEqual({ tickSize: 0.01, lotSize: 0.000001, makerFee: 0.001, takerFee: 0.001 });
    const r = await json('backtest', '--strategy', 'sma-cross', '--venue', 'BINANCE', '--symbol', 'BTCUSDT', '--catalog', catalog, '--no-save', '--json');
    expect(r.j.instruments[0]).toMatchObject({ id: 'BTCUSDT.BINANCE', tickSize: 0.01, lotSize: 0.000001, makerFee: 0.001, takerFee: 0.001 });
  });

  it('a bad instrument file is refused before anything is imported, naming the file', async () => {
    const bad = tmp.file('bad-instrument.json', '{"tickSize": -1}');
    const r = await cli('data', 'import', '--format', 'binance', '--venue', 'X', '--symbol', 'Y', '--instrument', bad, '--catalog', join(tmp.dir, 'cat2'),
      sharedFile('crypto/binance-btcusdt-trades.parquet'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('bad-instrument.json');
    expect(r.err).toMatch(/tickSize/);
  });
});

describe('a run cut short says so', () => {
  it('a tripped kill switch and what it left open are in the summary, the --json, the report header and logs.jsonl', async () => {
    const out = join(tmp.dir, 'reports');
    const file = tmp.file('risk.json', JSON.stringify({ risk: { maxDrawdown: 0.02 }, onKill: 'cancel' }));
    const args = ['backtest', '--strategy', 'sma-cross', '--data', join(ROOT, 'data/sample/2006-day-001.csv'), '--config', file, '--out', out];
    const r = await json(...args, '--json');
    expect(r.code).toBe(0);
    expect(r.j.killSwitch).toMatchObject({ policy: 'cancel' });
    expect(r.j.killSwitch.reason).toMatch(/drawdown .* exceeds 2.00%/);
    const held = r.j.positions[0].qty;
    expect(held).not.toBe(0); // sma-cross was long when it tripped; cancel leaves it
    expect(r.j.killSwitch.openPositions).toEqual({ [r.j.instruments[0].id]: held });
    const html = readFileSync(join(r.j.runDir, 'report.html'), 'utf8');
    expect(html).toContain('Run notices');
    expect(html).toMatch(/kill switch<\/td><td>[^<]*drawdown/);
    expect(html).toContain(`${r.j.instruments[0].id} ${held}`);
    const logs = readFileSync(join(r.j.runDir, 'logs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(logs.some((l) => l.level === 'error' && /kill switch tripped/.test(l.message))).toBe(true);
    const text = await cli(...args.slice(0, -2), '--no-save'); // without --out: nothing is saved
    expect(text.out).toMatch(/kill switch\s+\S+ drawdown/);
    expect(text.out).toMatch(/left open\s+2006-DAY-001\.SIM/);
    expect(text.err).toMatch(/kill switch tripped/); // log lines stream to stderr
  });
});
