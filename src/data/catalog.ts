import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { MICROS_PER_DAY, isoFromMicros } from '../core/time.ts';
import { allocDeltas, allocQuotes, allocTrades, type DeltaBatch, type QuoteBatch, type TickBatch, type TradeBatch } from './tick-batch.ts';
import { writeTickParquet, type TickKind } from './tick-parquet.ts';
import { makeDir } from '../core/files.ts';

/** Default catalog folder (git-ignored). */
export const DEFAULT_CATALOG = 'data/catalog';

/** One Parquet part of the catalog with its sidecar facts. */
export interface CatalogPart {
  readonly file: string;
  readonly venue: string;
  readonly symbol: string;
  readonly kind: TickKind;
  readonly date: string;
  readonly rows: number;
  /** First and last local timestamps (µs). */
  readonly first: number;
  readonly last: number;
}

const safe = (s: string, what: string): string => {
  if (!/^[A-Za-z0-9._-]+$/.test(s)) throw new ConfigError(`${what} "${s}" may contain only letters, digits, '.', '_' and '-'`);
  return s;
};

/** Rows [s, e) of a batch as a new batch. */
function slice(b: TickBatch, s: number, e: number): TickBatch {
  const n = e - s;
  if (b.kind === 'trades') {
    const t = allocTrades(n);
    const x = b.batch;
    t.length = n; t.ts.set(x.ts.subarray(s, e)); t.tsLocal.set(x.tsLocal.subarray(s, e)); t.price.set(x.price.subarray(s, e)); t.qty.set(x.qty.subarray(s, e)); t.aggressor.set(x.aggressor.subarray(s, e));
    return { kind: 'trades', batch: t };
  }
  if (b.kind === 'quotes') {
    const q = allocQuotes(n);
    const x = b.batch;
    q.length = n; q.ts.set(x.ts.subarray(s, e)); q.tsLocal.set(x.tsLocal.subarray(s, e)); q.bidPrice.set(x.bidPrice.subarray(s, e)); q.bidSize.set(x.bidSize.subarray(s, e));
    q.askPrice.set(x.askPrice.subarray(s, e)); q.askSize.set(x.askSize.subarray(s, e));
    return { kind: 'quotes', batch: q };
  }
  const d = allocDeltas(n);
  const x = b.batch;
  d.length = n; d.ts.set(x.ts.subarray(s, e)); d.tsLocal.set(x.tsLocal.subarray(s, e)); d.side.set(x.side.subarray(s, e)); d.price.set(x.price.subarray(s, e));
  d.qty.set(x.qty.subarray(s, e)); d.flags.set(x.flags.subarray(s, e));
  return { kind: 'deltas', batch: d };
}

/**
 * A partitioned Parquet catalog: `<root>/<venue>/<symbol>/<kind>/<YYYY-MM-DD>/part-NNNNN.parquet`
 * (UTC dates of the local timestamps), each part with a JSON sidecar of its row count and
 * time range. Parts of a day are replayed in name order, so days are imported in time order.
 */
export class Catalog {
  constructor(readonly root: string = DEFAULT_CATALOG) {}

  /** Writes batches of one venue/symbol, split by UTC day. Returns rows written. */
  async write(venue: string, symbol: string, batches: AsyncIterable<TickBatch> | Iterable<TickBatch>): Promise<number> {
    let rows = 0;
    for await (const b of batches) {
      const n = b.batch.length;
      let s = 0;
      while (s < n) {
        const day = Math.floor(b.batch.tsLocal[s] / MICROS_PER_DAY);
        let e = s;
        while (e < n && Math.floor(b.batch.tsLocal[e] / MICROS_PER_DAY) === day) e++;
        const date = isoFromMicros(day * MICROS_PER_DAY).slice(0, 10);
        const dir = join(this.root, safe(venue, 'venue'), safe(symbol, 'symbol'), b.kind, date);
        await makeDir(dir);
        const k = (await readdir(dir)).filter((f) => f.endsWith('.parquet')).length;
        const file = join(dir, `part-${String(k).padStart(5, '0')}.parquet`);
        const part = s === 0 && e === n ? b : slice(b, s, e);
        await writeTickParquet(file, part);
        const facts = { rows: e - s, first: b.batch.tsLocal[s], last: b.batch.tsLocal[e - 1] };
        await writeFile(file.replace(/\.parquet$/, '.json'), JSON.stringify(facts));
        rows += e - s;
        s = e;
      }
    }
    return rows;
  }

  /** Every part, optionally of one venue/symbol, in replay order. */
  async parts(venue?: string, symbol?: string): Promise<CatalogPart[]> {
    if (!existsSync(this.root)) return [];
    const out: CatalogPart[] = [];
    const ls = async (d: string) => (existsSync(d) ? (await readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort() : []);
    for (const v of venue ? [venue] : await ls(this.root)) {
      for (const s of symbol ? [symbol] : await ls(join(this.root, v))) {
        for (const kind of await ls(join(this.root, v, s))) {
          if (kind !== 'trades' && kind !== 'quotes' && kind !== 'deltas') continue;
          for (const date of await ls(join(this.root, v, s, kind))) {
            const dir = join(this.root, v, s, kind, date);
            for (const f of (await readdir(dir)).filter((x) => x.endsWith('.parquet')).sort()) {
              const file = join(dir, f);
              const facts = JSON.parse(await readFile(file.replace(/\.parquet$/, '.json'), 'utf8')) as { rows: number; first: number; last: number };
              out.push({ file, venue: v, symbol: s, kind, date, ...facts });
            }
          }
        }
      }
    }
    return out;
  }

  /** Files per kind for a venue/symbol whose time range meets [from, to]. */
  async select(venue: string, symbol: string, from = -Infinity, to = Infinity): Promise<Record<TickKind, string[]>> {
    const parts = (await this.parts(venue, symbol)).filter((p) => p.last >= from && p.first <= to);
    if (parts.length === 0) throw new ConfigError(`the catalog ${this.root} has no data for ${venue}/${symbol}${Number.isFinite(from) || Number.isFinite(to) ? ' in that window' : ''}: import it with lockstep data import`);
    return {
      trades: parts.filter((p) => p.kind === 'trades').map((p) => p.file),
      quotes: parts.filter((p) => p.kind === 'quotes').map((p) => p.file),
      deltas: parts.filter((p) => p.kind === 'deltas').map((p) => p.file),
    };
  }
}

export type { DeltaBatch, QuoteBatch, TradeBatch };
