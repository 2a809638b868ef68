import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';
import { Catalog } from '../data/catalog.ts';
import { CatalogSql } from '../data/catalog-sql.ts';
import { verifyCatalog } from '../data/catalog-verify.ts';
import { connectHistoryExchange } from './connect-exchange.ts';
import { downloadHistory } from './history-download.ts';
import type { HistoryClient } from './history-pages.ts';
import { LoopbackExchange } from './loopback/loopback-exchange.ts';
import { loadHistoryArchive, type HistoryArchive } from './loopback/history-archive.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = tempDir();
const T = (iso: string) => Date.parse(iso);
/** A venue outage: the archive has no bars in [OUT_FROM, OUT_TO). */
const OUT_FROM = T('2022-01-06T10:00:00Z');
const OUT_TO = T('2022-01-06T13:30:00Z');

let archive: HistoryArchive;
const venues: LoopbackExchange[] = [];

async function serve(a: HistoryArchive): Promise<string> {
  const ex = new LoopbackExchange({ symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: 0.01, stepSize: 0.001, keys: new Map(), balances: {}, history: a });
  venues.push(ex);
  return ex.listen();
}

beforeAll(async () => {
  const full = await loadHistoryArchive({ bars: sharedFile('crypto/btc-perp-20211231-20220201_1m.csv'), trades: sharedFile('crypto/binance-btcusdt-trades.parquet') });
  const bars = full.bars.filter((c) => c.t < OUT_FROM || c.t >= OUT_TO);
  archive = { ...full, bars, mark: bars };
});
afterAll(async () => { for (const v of venues) await v.close(); });

/** The catalog's rows of one stream, by SQL, in file order. */
async function rowsOf(root: string, view: string, cols: string): Promise<Record<string, unknown>[]> {
  const sql = await CatalogSql.open(root);
  try {
    return await sql.rows(`SELECT ${cols} FROM ${view}`);
  } finally {
    sql.close();
  }
}

describe('data download through ccxt against the loopback exchange serving recorded history', () => {
  it('bars:1m — every bar of the window once, the outage recorded as a gap (not filled), the instrument from loadMarkets; a wider window fetches only what is missing', async () => {
    const url = await serve(archive);
    const catalog = join(tmp.dir, 'cat-bars');
    const first = await cli('data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT:USDT', '--kind', 'bars:1m', '--from', '2022-01-05', '--to', '2022-01-08',
      '--catalog', catalog, '--url', url, '--flush-rows', '2000');
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const want = archive.bars.filter((c) => c.t >= T('2022-01-05') && c.t < T('2022-01-08'));
    expect(first.out).toContain(`${want.length.toLocaleString('en-US')} rows → ${join(catalog, 'binance', 'BTCUSDT', 'bars-1m')}`);
    expect(first.out).toMatch(/sent nothing for 1 window\(s\) \(recorded as gaps, not filled\), first 2022-01-06T10:00:00.000Z … 2022-01-06T13:30:00.000Z/);
    const got = await rowsOf(catalog, 'bars', 'timestamp, open, high, low, close, volume');
    expect(got.length).toBe(want.length); // 3 days × 1440 − 210 outage minutes
    expect(want.length).toBe(3 * 1440 - 210);
    got.forEach((r, i) => expect([r.timestamp, r.open, r.high, r.low, r.close, r.volume]).toEqual([want[i].t * 1000, want[i].o, want[i].h, want[i].l, want[i].c, want[i].v]));
    const spec = JSON.parse(readFileSync(join(catalog, 'binance', 'BTCUSDT', 'instrument.json'), 'utf8'));
    expect(spec).toMatchObject({ tickSize: 0.01, lotSize: 0.001 }); // the loopback's PRICE_FILTER / LOT_SIZE
    expect(readdirSync(join(catalog, 'binance', 'BTCUSDT', 'bars-1m'))).toEqual(['2022-01-05', '2022-01-06', '2022-01-07']);
    // The gap is in the sidecars, and verify knows it as the venue's.
    const sql = await CatalogSql.open(catalog);
    expect(await sql.rows('SELECT gap_from, gap_to FROM gaps')).toEqual([{ gap_from: OUT_FROM * 1000, gap_to: OUT_TO * 1000 }]);
    sql.close();
    const v = await verifyCatalog(catalog);
    expect(v.findings).toEqual([]);
    expect(v.streams[0]).toMatchObject({ missingBars: 210, recordedGaps: 1 });
    // Incremental: a wider window fetches only the two missing ends.
    const second = await cli('data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT:USDT', '--kind', 'bars:1m', '--from', '2022-01-04', '--to', '2022-01-09',
      '--catalog', catalog, '--url', url);
    expect(second.out).toContain('2,880 rows'); // 2022-01-04 and 2022-01-08, 1440 each
    expect(second.out).toContain('(2022-01-04T00:00:00.000Z … 2022-01-05T00:00:00.000Z, 2022-01-08T00:00:00.000Z … 2022-01-09T00:00:00.000Z;');
    const third = await cli('data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT:USDT', '--kind', 'bars:1m', '--from', '2022-01-04', '--to', '2022-01-09',
      '--catalog', catalog, '--url', url);
    expect(third.out).toMatch(/already covers .* nothing to fetch/);
    expect((await rowsOf(catalog, 'bars', 'timestamp')).length).toBe(5 * 1440 - 210);
    expect((await verifyCatalog(catalog)).findings).toEqual([]);
  }, 120_000);

  it('a gap across a page boundary (1000 bars a request) is one gap, in the result and in the catalog', async () => {
    const ex = await connectHistoryExchange('binance', { url: await serve(archive) });
    const catalog = new Catalog(join(tmp.dir, 'cat-gap'));
    const from = T('2022-01-03');
    expect(from + 5000 * 60_000).toBeGreaterThan(OUT_FROM); // the 6th request starts inside the outage
    expect(from + 5000 * 60_000).toBeLessThan(OUT_TO);
    const r = await downloadHistory(ex, { catalog, venue: 'binance', symbol: 'BTCUSDT', market: 'BTC/USDT:USDT', kind: 'bars-1m', from, to: T('2022-01-07'), flushRows: 1 }); // a part per request
    expect(r.gaps).toEqual([[OUT_FROM, OUT_TO]]);
    expect(await catalog.sql('SELECT gap_from, gap_to FROM gaps')).toEqual([{ gap_from: OUT_FROM * 1000, gap_to: OUT_TO * 1000 }]);
    expect((await catalog.records('binance', 'BTCUSDT', 'bars-1m')).filter((p) => (p.covers?.gaps.length ?? 0) > 0).length).toBe(2); // split across two parts on disk
  }, 60_000);

  it('funding and mark-price bars: the venue\'s values, one row per event', async () => {
    const url = await serve(archive);
    const catalog = join(tmp.dir, 'cat-funding');
    for (const kind of ['funding', 'mark:1m']) {
      const r = await cli('data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT:USDT', '--kind', kind, '--from', '2022-01-10', '--to', '2022-01-12', '--catalog', catalog, '--url', url);
      expect(r.err).toBe('');
    }
    const funding = await rowsOf(catalog, 'funding', 'timestamp, rate');
    const want = archive.funding.filter((f) => f.time >= T('2022-01-10') && f.time < T('2022-01-12'));
    expect(want.length).toBe(6); // every 8 hours
    expect(funding).toEqual(want.map((f) => ({ timestamp: f.time * 1000, rate: f.rate })));
    const mark = await rowsOf(catalog, 'mark', 'timestamp, close');
    expect(mark.length).toBe(2 * 1440);
  }, 60_000);

  it('trades: a crash mid-download and a resume give every trade once, in the venue\'s order, across pages that end inside a millisecond', async () => {
    const url = await serve(archive);
    const ex = await connectHistoryExchange('binance', { url });
    const catalog = new Catalog(join(tmp.dir, 'cat-trades'));
    const o = { catalog, venue: 'binance', symbol: 'BTCUSDT', market: 'BTC/USDT', kind: 'trades' as const, from: T('2021-01-08'), to: T('2021-01-09'), flushRows: 600 };
    // The archive's 2,001 trades have 1000-trade pages ending inside a millisecond (ids 999 and 1000 share one).
    expect(archive.trades[998].time).toBe(archive.trades[999].time);
    let pages = 0;
    const crashing: HistoryClient = {
      fetchOHLCV: ex.fetchOHLCV.bind(ex), fetchFundingRateHistory: ex.fetchFundingRateHistory.bind(ex),
      fetchTrades: async (...a) => { if (++pages === 3) throw new Error('crash'); return ex.fetchTrades(...a); },
    };
    await expect(downloadHistory(crashing, o)).rejects.toThrow('crash');
    const committed = await catalog.records('binance', 'BTCUSDT', 'trades');
    expect(committed.reduce((s, p) => s + p.rows, 0)).toBeGreaterThan(0);
    expect(committed.reduce((s, p) => s + p.rows, 0)).toBeLessThan(2001);
    const r = await downloadHistory(ex, o);
    expect(r.fetched[0][0]).toBe(committed.at(-1)!.covers!.to / 1000); // resumed where the last committed part ends
    const got = await rowsOf(catalog.root, 'trades', 'ts_event, price, size, aggressor');
    expect(got.length).toBe(2001);
    got.forEach((t, i) => expect([t.ts_event, t.price, t.size, t.aggressor]).toEqual([archive.trades[i].time * 1000, archive.trades[i].price, archive.trades[i].qty, archive.trades[i].buyerMaker ? -1 : 1]));
  }, 60_000);

  it('kill -9 mid-download: only whole parts are visible, and a resume completes the window with no duplicate or missing bar at the seam', async () => {
    const url = await serve({ ...archive, delayMs: 150 });
    const catalog = join(tmp.dir, 'cat-kill');
    const args = ['data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT:USDT', '--kind', 'bars:1m', '--from', '2022-01-10', '--to', '2022-01-20',
      '--catalog', catalog, '--url', url, '--flush-rows', '1000'];
    const child = spawn(process.execPath, [join(ROOT, 'bin/lockstep.js'), ...args], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const sidecars = () => {
      const dir = join(catalog, 'binance', 'BTCUSDT', 'bars-1m');
      return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /part-\d+\.json$/.test(String(f))).length : 0;
    };
    for (let k = 0; k < 600 && sidecars() < 3; k++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await exited;
    const before = (await verifyCatalog(catalog)).findings.filter((f) => f.level === 'error');
    expect(before).toEqual([]); // nothing half-written is visible
    const partial = (await rowsOf(catalog, 'bars', 'timestamp')).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(10 * 1440);
    const resumed = await cli(...args);
    expect(resumed.code).toBe(0);
    const got = (await rowsOf(catalog, 'bars', 'timestamp')).map((r) => r.timestamp);
    const want = archive.bars.filter((c) => c.t >= T('2022-01-10') && c.t < T('2022-01-20')).map((c) => c.t * 1000);
    expect(got).toEqual(want);
    const after = await verifyCatalog(catalog);
    expect(after.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect(after.findings.some((f) => f.message.includes('temp file'))).toBe(false); // the resume removed what the killed writer left
  }, 120_000);

  it('usage and venue errors: exit 2 for a bad kind, symbol or window; exit 4 when the venue does not answer', async () => {
    const url = await serve(archive);
    const base = ['data', 'download', '--venue', 'binance', '--catalog', join(tmp.dir, 'cat-err'), '--url', url];
    expect((await cli(...base, '--symbol', 'BTC/USDT', '--kind', 'bars:7m', '--from', '2022-01-01')).code).toBe(2);
    expect((await cli(...base, '--symbol', 'NOPE/USDT', '--kind', 'bars:1m', '--from', '2022-01-01')).code).toBe(2);
    expect((await cli(...base, '--symbol', 'BTC/USDT', '--kind', 'bars:1m', '--from', '2022-01-05', '--to', '2022-01-01')).code).toBe(2);
    const down = await cli('data', 'download', '--venue', 'binance', '--symbol', 'BTC/USDT', '--kind', 'bars:1m', '--from', '2022-01-01', '--catalog', join(tmp.dir, 'cat-err'), '--url', 'http://127.0.0.1:9');
    expect(down.code).toBe(4);
    expect(down.err).toMatch(/binance: .*Error/);
  }, 60_000);
});
