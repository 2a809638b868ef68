import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../src/data/catalog.ts';
import { CatalogSql } from '../src/data/catalog-sql.ts';
import { allocTrades } from '../src/data/tick-batch.ts';
import { BENCH_DATA, peakRssMiB, timeIt, writeBenchJson } from './bench-util.ts';

const ROWS = 10_000_000;
const DAYS = 10;
const D0 = Date.UTC(2024, 0, 1) * 1000;
const SPAN = DAYS * 86_400e6;
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Row i of the benchmark's trades (the Python peer computes the same numbers). */
const tsOf = (i: number) => D0 + Math.floor((i * SPAN) / ROWS);
const priceOf = (i: number) => 60_000 + ((i * 7919) % 10_007) / 10;
const sizeOf = (i: number) => ((i * 104_729) % 1000) / 1000 + 0.001;

/** The query: per day and hour, trade count, mean price, volume and VWAP. */
const QUERY = `SELECT date, hour(make_timestamp(ts_local)) AS hour, count(*) AS n, avg(price) AS mean_price, sum(size) AS volume, sum(price * size) / sum(size) AS vwap
  FROM trades GROUP BY ALL ORDER BY date, hour`;

/** Writes the 10M-trade catalog (10 daily partitions) once; later runs reuse it. */
async function ensureCatalog(root: string): Promise<void> {
  if (existsSync(join(root, 'BENCH', 'BTC-PERP', 'trades', '2024-01-10'))) return;
  rmSync(root, { recursive: true, force: true });
  const catalog = new Catalog(root);
  const perDay = ROWS / DAYS;
  await catalog.write('BENCH', 'BTC-PERP', (function* () {
    for (let d = 0; d < DAYS; d++) {
      const t = allocTrades(perDay);
      t.length = perDay;
      for (let k = 0; k < perDay; k++) {
        const i = d * perDay + k;
        t.ts[k] = tsOf(i); t.tsLocal[k] = tsOf(i); t.price[k] = priceOf(i); t.qty[k] = sizeOf(i); t.aggressor[k] = i % 2 === 0 ? 1 : -1;
      }
      yield { kind: 'trades' as const, batch: t };
    }
  })());
}

/** pandas' groupby over the same rows held in memory (integer day/hour keys; no Parquet: Debian's pandas has no pyarrow). */
function pandasPeer(): { seconds: number; groups: number; rows: number; volume: number; peakMiB: number } | { error: string } {
  const script = `
import time, resource, numpy as np, pandas as pd
N, SPAN, D0 = ${ROWS}, ${SPAN}, ${D0}
i = np.arange(N, dtype=np.int64)
ts = D0 + (i * SPAN) // N
price = 60000 + ((i * 7919) % 10007) / 10
size = ((i * 104729) % 1000) / 1000 + 0.001
df = pd.DataFrame({'ts': ts, 'price': price, 'size': size})
times = []
for _ in range(3):
    t0 = time.perf_counter()
    day, hour = df.ts // 86400000000, (df.ts // 3600000000) % 24
    g = df.assign(day=day, hour=hour, pv=df.price * df['size']).groupby(['day', 'hour']).agg(n=('price', 'size'), mean_price=('price', 'mean'), volume=('size', 'sum'), pv=('pv', 'sum'))
    g['vwap'] = g.pv / g.volume
    times.append(time.perf_counter() - t0)
print(sorted(times)[1], len(g), int(g.n.sum()), float(g.volume.sum()), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
`;
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop()! };
  const [seconds, groups, rows, volume, peakMiB] = r.stdout.trim().split(' ').map(Number);
  return { seconds, groups, rows, volume, peakMiB };
}

/** DuckDB SQL over the catalog: a group-by over 10M trades read from the catalog's Parquet parts. */
export async function catalogBench(): Promise<Record<string, unknown>> {
  const root = join(BENCH_DATA, 'catalog-10m');
  const t0 = performance.now();
  const wroteCatalog = !existsSync(join(root, 'BENCH', 'BTC-PERP', 'trades', '2024-01-10'));
  await ensureCatalog(root);
  const prepare = (performance.now() - t0) / 1000;
  const open = await timeIt(3, async () => { const s = await CatalogSql.open(root); s.close(); return 0; });
  const sql = await CatalogSql.open(root);
  const q = await timeIt(5, () => sql.rows(QUERY));
  sql.close();
  const rows = q.value.reduce((s, r) => s + (r.n as number), 0);
  const volume = q.value.reduce((s, r) => s + (r.volume as number), 0);
  const peer = pandasPeer();
  const figures = {
    rows: ROWS, partitions: DAYS, query: QUERY.replace(/\s+/g, ' '), groups: q.value.length, rowsCounted: rows,
    duckdbSeconds: q.seconds, openSeconds: open.seconds, rowsPerSecond: ROWS / q.seconds, peakRssMiB: peakRssMiB(), wroteCatalog, prepareSeconds: prepare,
    peer: 'error' in peer ? peer : { name: 'pandas groupby, data already in memory', ...peer, sameAnswer: peer.groups === q.value.length && peer.rows === rows && Math.abs(peer.volume - volume) < 1e-6 * volume },
    ratio: 'error' in peer ? null : peer.seconds / q.seconds,
  };
  const out = writeBenchJson('catalog', figures);
  console.log([
    `catalog: DuckDB group-by over ${ROWS.toLocaleString('en-US')} trades in ${DAYS} daily Parquet partitions (${wroteCatalog ? `catalog written in ${prepare.toFixed(1)} s` : 'catalog reused from data/bench'})`,
    `  lockstep data query   ${q.seconds.toFixed(3)} s (median of 5; ${(ROWS / q.seconds / 1e6).toFixed(1)}M rows/s, from Parquet), views opened in ${open.seconds.toFixed(3)} s, ${q.value.length} groups, peak RSS ${peakRssMiB().toFixed(0)} MiB${wroteCatalog ? ' (incl. writing the catalog)' : ''}`,
    'error' in peer ? `  pandas: ${peer.error}`
      : `  pandas (peer)         ${peer.seconds.toFixed(3)} s (median of 3, in memory), peak RSS ${peer.peakMiB.toFixed(0)} MiB, same answer: ${String(figures.peer && 'sameAnswer' in figures.peer ? figures.peer.sameAnswer : false)} → ${(peer.seconds / q.seconds).toFixed(1)}×`,
    `  → ${out}`,
  ].join('\n'));
  return figures;
}
