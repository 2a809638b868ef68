import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../core/errors.ts';
import { isCatalogKind, type CatalogKind } from './catalog-kinds.ts';
import type { Coverage, Sidecar } from './catalog-write.ts';

/** One part of the catalog with its sidecar facts (a sidecar without Parquet records coverage only). */
export interface CatalogPart {
  /** The Parquet file (absent on disk when `rows` is 0: a coverage record). */
  readonly file: string;
  readonly venue: string;
  readonly symbol: string;
  readonly kind: CatalogKind;
  readonly date: string;
  readonly rows: number;
  /** First and last times (µs) of the kind's time column. */
  readonly first: number;
  readonly last: number;
  /** For downloaded parts: the window it covers and the venue's gaps in it. */
  readonly covers?: Coverage;
}

/** Every sidecar of a catalog (parts and coverage-only records), optionally of one venue/symbol/kind, in replay order. */
export async function catalogRecords(root: string, venue?: string, symbol?: string, kind?: CatalogKind): Promise<CatalogPart[]> {
  if (!existsSync(root)) return [];
  const out: CatalogPart[] = [];
  for (const v of venue ? [venue] : await subdirs(root)) {
    for (const s of symbol ? [symbol] : await subdirs(join(root, v))) {
      for (const k of kind ? [kind] : await subdirs(join(root, v, s))) {
        if (!isCatalogKind(k)) continue;
        for (const date of await subdirs(join(root, v, s, k))) out.push(...await dayRecords(root, v, s, k, date));
      }
    }
  }
  return out;
}

async function dayRecords(root: string, venue: string, symbol: string, kind: CatalogKind, date: string): Promise<CatalogPart[]> {
  const dir = join(root, venue, symbol, kind, date);
  const out: CatalogPart[] = [];
  for (const f of (await readdir(dir)).filter((x) => /^part-\d+\.json$/.test(x)).sort()) {
    const side = join(dir, f);
    let facts: Sidecar;
    try {
      facts = JSON.parse(await readFile(side, 'utf8')) as Sidecar;
    } catch (e) {
      throw new DataError({ file: side, row: 1 }, `unreadable sidecar (${(e as Error).message})`, 'Run lockstep data verify, then delete the part and its sidecar and download or import that day again');
    }
    out.push({ file: side.replace(/\.json$/, '.parquet'), venue, symbol, kind, date, ...facts });
  }
  return out;
}

async function subdirs(d: string): Promise<string[]> {
  if (!existsSync(d)) return [];
  return (await readdir(d, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}
