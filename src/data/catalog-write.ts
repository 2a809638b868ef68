import { rename, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MICROS_PER_DAY, isoFromMicros } from '../core/time.ts';
import { asFileError, makeDir, tempSuffix } from '../core/files.ts';
import { microsColumn, writeParquetFile, type ParquetColumn } from './parquet-write.ts';
import type { CatalogKind } from './catalog-kinds.ts';

/** Rows of one catalog kind: the partition/order time (µs) and the Parquet columns, row-aligned. */
export interface CatalogRows {
  readonly kind: CatalogKind;
  readonly length: number;
  /** The kind's time column (ts_local for ticks, timestamp otherwise), µs. */
  readonly time: Float64Array;
  /** Every column in file order; µs columns as Float64Array named in `micros`. */
  readonly columns: Readonly<Record<string, Float64Array>>;
  readonly micros: readonly string[];
}

/** What a downloaded part covers: the requested window [from, to) in µs and the venue's gaps in it. */
export interface Coverage {
  readonly from: number;
  readonly to: number;
  readonly gaps: ReadonlyArray<readonly [number, number]>;
}

/** A part's sidecar: row count, first/last time (µs), and for downloads what it covers. */
export interface Sidecar {
  readonly rows: number;
  readonly first: number;
  readonly last: number;
  readonly covers?: Coverage;
}

const dayOf = (t: number) => Math.floor(t / MICROS_PER_DAY);
const dateOf = (day: number) => isoFromMicros(day * MICROS_PER_DAY).slice(0, 10);

/**
 * Writes catalog parts so that a reader never sees half of one: every part goes to
 * `<final>.tmp-<pid>` first (Parquet and sidecar), and `commit()` renames them into place,
 * each Parquet before its sidecar — a part exists for readers once its sidecar does. A killed
 * writer leaves only `*.tmp-<pid>` files, which `Catalog.clean()` removes.
 */
export class StagedParts {
  private readonly pending: { tmp: string; final: string }[] = [];
  /** Part numbers handed out per folder (pending ones are not yet visible on disk). */
  private readonly next = new Map<string, number>();

  constructor(private readonly streamDir: string) {}

  /** Stages rows split by UTC day of their time; `covers` (downloads) is split at the same days. */
  async stage(rows: CatalogRows, covers?: Coverage): Promise<number> {
    let s = 0;
    while (s < rows.length) {
      const day = dayOf(rows.time[s]);
      let e = s;
      while (e < rows.length && dayOf(rows.time[e]) === day) e++;
      const part = covers ? clip(covers, s === 0 ? covers.from : day * MICROS_PER_DAY, e === rows.length ? covers.to : (day + 1) * MICROS_PER_DAY) : undefined;
      await this.stagePart(dateOf(day), rows, s, e, part);
      s = e;
    }
    if (rows.length === 0 && covers && covers.to > covers.from) await this.stagePart(dateOf(dayOf(covers.from)), rows, 0, 0, covers);
    return rows.length;
  }

  /** Renames every staged part into place (Parquet first, then its sidecar). */
  async commit(): Promise<void> {
    for (const { tmp, final } of this.pending) {
      try {
        await rename(tmp, final);
      } catch (e) {
        throw asFileError(e, final, 'move into place');
      }
    }
    this.pending.length = 0;
  }

  /** Removes every staged (not yet committed) file: a failed import leaves nothing behind. */
  async abort(): Promise<void> {
    for (const { tmp } of this.pending) await rm(tmp, { force: true });
    this.pending.length = 0;
  }

  private async stagePart(date: string, rows: CatalogRows, s: number, e: number, covers?: Coverage): Promise<void> {
    const dir = join(this.streamDir, date);
    await makeDir(dir);
    const base = join(dir, `part-${String(await this.number(dir)).padStart(5, '0')}`);
    const sidecar: Sidecar = { rows: e - s, first: e > s ? rows.time[s] : covers!.from, last: e > s ? rows.time[e - 1] : covers!.from, ...(covers ? { covers } : {}) };
    try {
      if (e > s) {
        const cols: Record<string, ParquetColumn> = {};
        for (const [name, c] of Object.entries(rows.columns)) cols[name] = rows.micros.includes(name) ? microsColumn(c.subarray(s, e)) : c.subarray(s, e);
        await writeParquetFile(base + '.parquet' + tempSuffix(), cols);
        this.pending.push({ tmp: base + '.parquet' + tempSuffix(), final: base + '.parquet' });
      }
      await writeFile(base + '.json' + tempSuffix(), JSON.stringify(sidecar));
      this.pending.push({ tmp: base + '.json' + tempSuffix(), final: base + '.json' });
    } catch (err) {
      throw asFileError(err, base + '.parquet', 'write');
    }
  }

  private async number(dir: string): Promise<number> {
    let k = this.next.get(dir);
    if (k === undefined) {
      const names = await readdir(dir);
      k = names.filter((f) => /^part-\d+\.json$/.test(f)).map((f) => Number(f.slice(5, -5)) + 1).reduce((a, b) => Math.max(a, b), 0);
    }
    this.next.set(dir, k + 1);
    return k;
  }
}

function clip(c: Coverage, from: number, to: number): Coverage {
  return { from, to, gaps: c.gaps.filter(([a, b]) => b > from && a < to).map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const) };
}
