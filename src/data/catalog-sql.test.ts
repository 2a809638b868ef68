import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PYTHON } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';
import { Catalog } from './catalog.ts';
import { CatalogSql } from './catalog-sql.ts';
import { verifyCatalog } from './catalog-verify.ts';
import { allocQuotes, allocTrades, type TickBatch } from './tick-batch.ts';

const tmp = tempDir();
const DAY = 86_400e6;
const D0 = Date.UTC(2024, 2, 1) * 1000;
/** Days of BTC-PERPETUAL trades written (day 3 is missing, as after an outage), and the trades. */
const TRADE_DAYS = [0, 1, 2, 4];
const trades: { ts: number; price: number; size: number }[] = [];
const quotes: { ts: number; bid: number; ask: number }[] = [];

/** A deterministic generator (LCG) so the expected answers are computed from the same numbers. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296);
}

beforeAll(async () => {
  const rnd = lcg(7);
  const catalog = new Catalog(join(tmp.dir, 'catalog'));
  const batches: TickBatch[] = [];
  for (const d of TRADE_DAYS) {
    const n = 500 + d * 100;
    const t = allocTrades(n);
    t.length = n;
    for (let i = 0; i < n; i++) {
      const ts = D0 + d * DAY + Math.floor((i / n) * DAY);
      const price = 60_000 + Math.round(rnd() * 1000) / 10;
      const size = Math.round(rnd() * 1000) / 1000 + 0.001;
      t.ts[i] = ts; t.tsLocal[i] = ts; t.price[i] = price; t.qty[i] = size; t.aggressor[i] = rnd() < 0.5 ? 1 : -1;
      trades.push({ ts, price, size });
    }
    batches.push({ kind: 'trades', batch: t });
  }
  // Quotes every 7 minutes over two days, spreads varying by hour.
  const n = Math.floor((2 * DAY) / 420e6);
  const q = allocQuotes(n);
  q.length = n;
  for (let i = 0; i < n; i++) {
    const ts = D0 + i * 420e6;
    const bid = 60_000 + Math.round(rnd() * 100);
    const ask = bid + 0.5 + ((ts / 3600e6) % 24) * 0.1 + Math.round(rnd() * 10) / 10;
    q.ts[i] = ts; q.tsLocal[i] = ts; q.bidPrice[i] = bid; q.askPrice[i] = ask; q.bidSize[i] = 1; q.askSize[i] = 1;
    quotes.push({ ts, bid, ask });
  }
  batches.push({ kind: 'quotes', batch: q });
  await catalog.write('DERIBIT', 'BTC-PERPETUAL', batches);
});

describe('SQL over the catalog (DuckDB)', () => {
  it('"which days of BTC-PERPETUAL trades do I have, with what gaps?" — days and counts, and the missing day', async () => {
    const sql = await CatalogSql.open(join(tmp.dir, 'catalog'));
    const days = await sql.rows("SELECT date, count(*) AS trades FROM trades WHERE symbol = 'BTC-PERPETUAL' GROUP BY date ORDER BY date");
    const want = new Map<string, number>();
    for (const t of trades) {
      const d = new Date(t.ts / 1000).toISOString().slice(0, 10);
      want.set(d, (want.get(d) ?? 0) + 1);
    }
    expect(days).toEqual([...want].map(([date, n]) => ({ date, trades: n })));
    expect(days.map((d) => d.date)).toEqual(['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-05']);
    // Gaps: stretches of more than an hour without a trade.
    const gaps = await sql.rows(`SELECT ts_local AS gap_from, nxt AS gap_to FROM (SELECT ts_local, lead(ts_local) OVER (ORDER BY ts_local) AS nxt FROM trades WHERE symbol = 'BTC-PERPETUAL') WHERE nxt - ts_local > 3600e6`);
    const jsGaps = trades.slice(1).map((t, i) => [trades[i].ts, t.ts]).filter(([a, b]) => b - a > 3600e6);
    expect(gaps.map((g) => [g.gap_from, g.gap_to])).toEqual(jsGaps);
    expect(jsGaps.length).toBe(1);
    expect(jsGaps[0][1] - jsGaps[0][0]).toBeGreaterThan(DAY); // the missing 2024-03-04
    sql.close();
  });

  it('"mean spread by hour" — equal to a plain loop over the same quotes', async () => {
    const sql = await CatalogSql.open(join(tmp.dir, 'catalog'));
    const got = await sql.rows('SELECT hour(make_timestamp(ts_local)) AS hour, avg(ask_price - bid_price) AS spread, count(*) AS n FROM quotes GROUP BY 1 ORDER BY 1');
    const sum = new Array<number>(24).fill(0);
    const cnt = new Array<number>(24).fill(0);
    for (const q of quotes) {
      const h = new Date(q.ts / 1000).getUTCHours();
      sum[h] += q.ask - q.bid;
      cnt[h]++;
    }
    expect(got.length).toBe(24);
    for (const r of got) {
      const h = r.hour as number;
      expect(r.n).toBe(cnt[h]);
      expect(r.spread as number).toBeCloseTo(sum[h] / cnt[h], 9);
    }
    // The spread grows by 0.1 an hour by construction: hour 23's mean exceeds hour 0's by about 2.3.
    expect((got[23].spread as number) - (got[0].spread as number)).toBeGreaterThan(1.8);
    sql.close();
  });

  it('lockstep data query --json prints row objects; a bad query is a usage error naming the views', async () => {
    const r = await cli('data', 'query', '--catalog', join(tmp.dir, 'catalog'), '--json', "SELECT venue, symbol, count(*) AS n, sum(size) AS volume FROM trades GROUP BY ALL");
    expect(r.code).toBe(0);
    const [row] = JSON.parse(r.out);
    expect(row.venue).toBe('DERIBIT');
    expect(row.n).toBe(trades.length);
    expect(row.volume).toBeCloseTo(trades.reduce((s, t) => s + t.size, 0), 6);
    const bad = await cli('data', 'query', '--catalog', join(tmp.dir, 'catalog'), 'SELECT * FROM tardes');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/SQL: .*tardes.*views: trades, quotes, book_deltas, bars, mark, funding, parts, gaps/);
    const ls = JSON.parse((await cli('data', 'ls', '--catalog', join(tmp.dir, 'catalog'), '--json')).out);
    expect(ls.find((s: { kind: string }) => s.kind === 'trades')).toMatchObject({ rows: trades.length, days: 4, gaps: [expect.objectContaining({ from: expect.stringMatching(/^2024-03-03T23:/), to: expect.stringMatching(/^2024-03-05T00:00/) })] });
  });

  it('run results: fills/equity views over reports/*/, and export to CSV that Debian\'s pandas reads (no pyarrow)', async () => {
    const reports = join(tmp.dir, 'reports');
    const bt = await cli('backtest', '--strategy', 'sma-cross', '--data', 'data/sample/2006-day-001.csv', '--out', reports, '--json');
    expect(bt.code).toBe(0);
    const result = JSON.parse(bt.out);
    const sql = await CatalogSql.open(join(tmp.dir, 'catalog'), reports);
    const [f] = await sql.rows('SELECT count(*) AS n, sum(qty * price) AS notional FROM fills');
    expect(f.n).toBe(result.fills.length);
    expect(f.notional as number).toBeCloseTo(result.fills.reduce((s: number, x: { qty: number; price: number }) => s + x.qty * x.price, 0), 6);
    sql.close();
    const run = join(reports, readdirSync(reports)[0]);
    const ex = await cli('export', run, '--format', 'csv');
    expect(ex.code).toBe(0);
    const py = execFileSync(PYTHON, ['-c', `import pandas as pd
f = pd.read_csv("${join(run, 'export-csv', 'fills.csv')}", parse_dates=["ts"])
e = pd.read_csv("${join(run, 'export-csv', 'equity.csv')}", parse_dates=["ts"])
print(len(f), (f.qty * f.price).sum(), str(f.ts.dtype), e.equity.iloc[-1], f.ts.iloc[0].isoformat(), sep="|")`], { encoding: 'utf8' }).trim().split('|');
    expect(Number(py[0])).toBe(result.fills.length);
    expect(Number(py[1])).toBeCloseTo(result.fills.reduce((s: number, x: { qty: number; price: number }) => s + x.qty * x.price, 0), 6);
    expect(py[2]).toBe('datetime64[ns, UTC]');
    expect(Number(py[3])).toBeCloseTo(result.finalValue, 6);
    expect(py[4]).toBe(new Date(result.fills[0].ts / 1000).toISOString().replace('.000Z', '+00:00'));
    for (const format of ['parquet', 'arrow']) expect((await cli('export', run, '--format', format)).code).toBe(0);
    const { tableFromIPC } = await import('apache-arrow');
    const { readFileSync } = await import('node:fs');
    const arrow = tableFromIPC(readFileSync(join(run, 'export-arrow', 'fills.arrow')));
    expect(arrow.numRows).toBe(result.fills.length);
    expect(String(arrow.schema.fields.find((x) => x.name === 'ts')!.type)).toMatch(/Timestamp/);
  }, 60_000);
});

describe('data verify', () => {
  it('a sound catalog has no finding; each corruption is named with its file', async () => {
    const root = join(tmp.dir, 'verify');
    const catalog = new Catalog(root);
    const t = allocTrades(3);
    t.length = 3;
    [1, 2, 3].forEach((k, i) => { t.ts[i] = D0 + k * 1e6; t.tsLocal[i] = D0 + k * 1e6; t.price[i] = 100 + k; t.qty[i] = 1; t.aggressor[i] = 1; });
    await catalog.write('V', 'S', [{ kind: 'trades', batch: t }]);
    const t2 = allocTrades(2);
    t2.length = 2;
    [0.5, 4].forEach((k, i) => { t2.ts[i] = D0 + k * 1e6; t2.tsLocal[i] = D0 + k * 1e6; t2.price[i] = 100; t2.qty[i] = 1; t2.aggressor[i] = -1; });
    expect((await verifyCatalog(root)).findings).toEqual([]);
    await catalog.write('V', 'S', [{ kind: 'trades', batch: t2 }]); // starts before the first part ends
    const day = join(root, 'V', 'S', 'trades', '2024-03-01');
    writeFileSync(join(day, 'part-00000.json'), JSON.stringify({ rows: 4, first: D0 + 1e6, last: D0 + 3e6 })); // sidecar lies about the rows
    copyFileSync(join(day, 'part-00001.parquet'), join(day, 'part-00007.parquet')); // uncommitted part
    writeFileSync(join(day, 'part-00003.parquet.tmp-999999'), 'x'); // a dead writer's temp file
    const { findings } = await verifyCatalog(root);
    const msgs = findings.map((f) => `${f.level} ${f.file?.split('/').pop() ?? ''} ${f.message}`);
    expect(msgs).toEqual(expect.arrayContaining([
      expect.stringMatching(/^error part-00000.parquet sidecar says 4 rows/),
      expect.stringMatching(/^error part-00001.parquet starts at .* before the previous part ends/),
      expect.stringMatching(/^error part-00007.parquet Parquet part without a sidecar/),
      expect.stringMatching(/^warning part-00003.parquet.tmp-999999 temp file/),
    ]));
    const r = await cli('data', 'verify', '--catalog', root);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/3 error\(s\), 1 warning\(s\)/);
    // A new write cleans the dead writer's temp file.
    expect(catalog.clean()).toEqual([join(day, 'part-00003.parquet.tmp-999999')]);
    rmSync(join(day, 'part-00007.parquet'));
    renameSync(join(day, 'part-00001.parquet'), join(day, 'part-00001.parquet.bak'));
    expect((await verifyCatalog(root)).findings.map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringMatching(/sidecar without its Parquet part/)]));
  });
});
