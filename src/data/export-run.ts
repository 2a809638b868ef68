import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { asFileError, makeDir, tempSuffix } from '../core/files.ts';
import { loadParquetWasm } from './parquet-wasm.ts';

export type ExportFormat = 'csv' | 'parquet' | 'arrow';

/** Column names Lockstep uses for µs timestamps (BIGINT). */
const TIME_COLUMN = /^(ts|timestamp|ts_event|ts_local|[a-z]+Ts)$/;

type Duck = typeof import('@duckdb/node-api');
type Connection = Awaited<ReturnType<Awaited<ReturnType<Duck['DuckDBInstance']['create']>>['connect']>>;

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The tables of a run folder: `name.parquet`, or parts `name-NNNNN.parquet` joined in order. */
export async function runTables(dir: string): Promise<Map<string, string[]>> {
  if (!existsSync(dir)) throw new ConfigError(`${dir}: no such run folder (give a folder under reports/ that holds result.json or session.json)`, 'usage');
  const tables = new Map<string, string[]>();
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.parquet')).sort()) {
    const name = f.replace(/(-\d{5})?\.parquet$/, '');
    tables.set(name, [...(tables.get(name) ?? []), resolve(dir, f)]);
  }
  if (tables.size === 0) throw new ConfigError(`${dir} holds no Parquet tables: is it a run folder (reports/<run>/)?`, 'usage');
  return tables;
}

/**
 * Exports every table of a run folder (equity, fills, trades, orders; a session's parts
 * joined) as CSV, Parquet or Arrow IPC files into `out`, with µs time columns as timestamps
 * (CSV: ISO-8601 UTC with µs, e.g. 2022-01-05T10:00:00.000000Z), readable by pandas without
 * pyarrow (`pd.read_csv(f, parse_dates=[…])`), spreadsheets, R and Polars. Each file is
 * written under a temp name and renamed into place. Returns the files written.
 */
export async function exportRun(dir: string, format: ExportFormat, out: string): Promise<string[]> {
  const tables = await runTables(dir);
  await makeDir(out);
  const duck: Duck = await import('@duckdb/node-api');
  const db = await duck.DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const written: string[] = [];
  try {
    for (const [name, files] of tables) {
      const final = join(out, `${name}.${format}`);
      const tmp = final + tempSuffix();
      try {
        await exportTable(conn, files, format, tmp);
        await rename(tmp, final);
      } catch (e) {
        await rm(tmp, { force: true });
        throw asFileError(e, final, 'write');
      }
      written.push(final);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return written;
}

async function exportTable(conn: Connection, files: readonly string[], format: ExportFormat, target: string): Promise<void> {
  const source = `read_parquet([${files.map(q).join(', ')}], union_by_name = true)`;
  const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRows().map((r) => [String(r[0]), String(r[1])] as const);
  const cols = described.map(([name, type]) => {
    const id = `"${name.replaceAll('"', '""')}"`;
    if (!(TIME_COLUMN.test(name) && type === 'BIGINT')) return id;
    return format === 'csv' ? `strftime(make_timestamp(${id}), '%Y-%m-%dT%H:%M:%S.%fZ') AS ${id}` : `make_timestamp(${id}) AS ${id}`;
  });
  const select = `SELECT ${cols.join(', ')} FROM ${source}`;
  if (format === 'csv') await conn.run(`COPY (${select}) TO ${q(target)} (FORMAT csv, HEADER true)`);
  else if (format === 'parquet') await conn.run(`COPY (${select}) TO ${q(target)} (FORMAT parquet, COMPRESSION snappy)`);
  else {
    const pq = target + '.parquet';
    await conn.run(`COPY (${select}) TO ${q(pq)} (FORMAT parquet)`);
    try {
      const pw = await loadParquetWasm();
      const stream = pw.readParquet(new Uint8Array(await readFile(pq))).intoIPCStream();
      const { tableFromIPC, tableToIPC } = await import('apache-arrow');
      await writeFile(target, tableToIPC(tableFromIPC(stream), 'file'));
    } finally {
      await rm(pq, { force: true });
    }
  }
}
