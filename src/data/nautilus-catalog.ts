import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { TickBatch } from './tick-batch.ts';
import { parquetFilesIn } from '../core/files.ts';

/**
 * Where NautilusTrader's catalog keeps what Lockstep reads of it:
 * `CATALOG/data/bar/TYPE/*.parquet` (a bar type's parts), `CATALOG/data/trade_tick/ID/*.parquet`
 * and `CATALOG/data/quote_tick/ID/*.parquet` (an instrument's ticks); part names (start and end
 * times) sort in time order.
 */

type TickKind = TickBatch['kind'];

/** The tick folders and the kind of the files in their ID folders. */
const TICK_FOLDERS: ReadonlyArray<readonly [string, TickKind]> = [['trade_tick', 'trades'], ['quote_tick', 'quotes']];

/** True for a bar type's folder (`…/bar/TYPE`). */
export function isNautilusBarFolder(path: string): boolean {
  return basename(dirname(resolve(path))) === 'bar';
}

/** The kind of a tick folder (`…/trade_tick/ID`) or of a file in one; undefined for anything else. */
export function nautilusTickKind(path: string, isFolder: boolean): TickKind | undefined {
  const where = resolve(path);
  const parent = basename(dirname(isFolder ? where : dirname(where)));
  return TICK_FOLDERS.find(([dir]) => dir === parent)?.[1];
}

/** True for a tick folder of the catalog or a file in one (whichever `path` is). */
export function isNautilusTickPath(path: string): boolean {
  return nautilusTickKind(path, true) !== undefined || nautilusTickKind(path, false) !== undefined;
}

/** An instrument's tick files: every part of its folders of every tick kind, given one of them (`…/trade_tick/ID`). */
export async function nautilusTickFiles(folder: string): Promise<Record<TickKind, string[]>> {
  const out: Record<TickKind, string[]> = { trades: [], quotes: [], deltas: [] };
  const where = resolve(folder);
  for (const [dir, kind] of TICK_FOLDERS) {
    const sibling = join(dirname(dirname(where)), dir, basename(where));
    if (existsSync(sibling)) out[kind] = await parquetFilesIn(sibling);
  }
  return out;
}
