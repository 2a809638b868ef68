import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isoFromMicros } from '../core/time.ts';
import { Catalog, type CatalogPart } from './catalog.ts';
import { barMicros, isCatalogKind, timeColumnOf, valueColumnsOf, isTickKind, type CatalogKind } from './catalog-kinds.ts';
import { coveredSpans, missingSpans, unionSpans, type Span } from './catalog-coverage.ts';

/** One thing `verify` found: errors make the catalog unfit to replay, warnings deserve a look. */
export interface Finding {
  readonly level: 'error' | 'warning';
  /** venue/symbol/kind */
  readonly stream: string;
  readonly file?: string;
  readonly message: string;
}

/** What one stream holds, as verify counted it from the files themselves. */
export interface StreamReport {
  readonly stream: string;
  readonly parts: number;
  readonly rows: number;
  readonly first: number;
  readonly last: number;
  /** Missing bars (bar kinds), and how many of them downloads recorded as the venue's. */
  readonly missingBars: number;
  readonly recordedGaps: number;
  /** Holes between downloaded windows. */
  readonly uncovered: readonly Span[];
}

type Duck = typeof import('@duckdb/node-api');
type Connection = Awaited<ReturnType<Awaited<ReturnType<Duck['DuckDBInstance']['create']>>['connect']>>;

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Checks every stream of a catalog against its own files with DuckDB: sidecars match their
 * Parquet (rows, first, last), each part has its kind's columns, times never go backwards
 * within or across parts, no duplicate timestamps in bar and funding streams (and identical
 * consecutive tick rows are flagged), missing bars are either recorded gaps of the venue or
 * reported, downloaded windows leave no hole, and no uncommitted part or temp file is left.
 */
export async function verifyCatalog(root: string): Promise<{ findings: Finding[]; streams: StreamReport[] }> {
  const catalog = new Catalog(root);
  const findings: Finding[] = leftovers(root);
  const records = await catalog.records();
  const byStream = new Map<string, CatalogPart[]>();
  for (const p of records) byStream.set(`${p.venue}/${p.symbol}/${p.kind}`, [...(byStream.get(`${p.venue}/${p.symbol}/${p.kind}`) ?? []), p]);
  const duck: Duck = await import('@duckdb/node-api');
  const db = await duck.DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const streams: StreamReport[] = [];
  try {
    for (const [stream, parts] of byStream) streams.push(await verifyStream(conn, stream, parts, findings));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return { findings, streams };
}

async function verifyStream(conn: Connection, stream: string, records: CatalogPart[], findings: Finding[]): Promise<StreamReport> {
  const kind = records[0].kind;
  const t = timeColumnOf(kind);
  const parts = records.filter((p) => p.rows > 0);
  const err = (message: string, file?: string) => findings.push({ level: 'error', stream, message, ...(file ? { file } : {}) });
  const warn = (message: string, file?: string) => findings.push({ level: 'warning', stream, message, ...(file ? { file } : {}) });
  const good: CatalogPart[] = [];
  for (const p of parts) {
    if (!existsSync(p.file)) { err('sidecar without its Parquet part: delete the sidecar and download or import that day again', p.file.replace(/\.parquet$/, '.json')); continue; }
    const facts = await partFacts(conn, p.file, kind, t).catch((e: Error) => { err(`unreadable Parquet (${e.message.split('\n')[0]}): delete the part and its sidecar and fetch that day again`, p.file); return null; });
    if (!facts) continue;
    if (facts.missing.length > 0) { err(`missing column(s) ${facts.missing.join(', ')} for ${kind}`, p.file); continue; }
    if (facts.rows !== p.rows || facts.first !== p.first || facts.last !== p.last) {
      err(`sidecar says ${p.rows} rows ${p.first}…${p.last}, the file has ${facts.rows} rows ${facts.first}…${facts.last}`, p.file);
    }
    if (facts.backwards > 0) err(`${facts.backwards} row(s) earlier than the row before (${t})`, p.file);
    good.push(p);
  }
  for (let i = 1; i < good.length; i++) {
    if (good[i].first < good[i - 1].last) err(`starts at ${isoFromMicros(good[i].first)}, before the previous part ends (${isoFromMicros(good[i - 1].last)})`, good[i].file);
  }
  const files = good.map((p) => q(resolve(p.file))).join(', ');
  let missingBars = 0;
  const recorded = unionSpans(records.flatMap((p) => p.covers?.gaps ?? []));
  if (good.length > 0) {
    if (!isTickKind(kind)) {
      const dup = await scalar(conn, `SELECT count(*) - count(DISTINCT ${t}) FROM read_parquet([${files}])`);
      if (dup > 0) err(`${dup} duplicate ${t}(s)`);
    } else {
      const cols = ['ts_event', 'ts_local', ...valueColumnsOf(kind)].join(', ');
      const dup = await scalar(conn, `SELECT count(*) FROM (SELECT ${cols}, lag(struct_pack(${cols})) OVER (ORDER BY filename, file_row_number) AS prev FROM read_parquet([${files}], filename = true, file_row_number = true)) WHERE prev = struct_pack(${cols})`);
      if (dup > 0) warn(`${dup} row(s) identical to the row before (duplicates, or the venue's own repeats)`);
    }
    const step = barMicros(kind);
    if (step !== null) {
      const spans = await gapSpans(conn, files, t, step);
      missingBars = spans.reduce((s, [a, b]) => s + (b - a) / step, 0);
      const unrecorded = spans.filter(([a, b]) => missingSpans(a, b, recorded).length > 0);
      if (unrecorded.length > 0) warn(`${unrecorded.length} gap(s) in the bars not recorded as the venue's, first ${isoFromMicros(unrecorded[0][0])} … ${isoFromMicros(unrecorded[0][1])}`);
    }
  }
  const downloaded = records.filter((p) => p.covers);
  const windows = coveredSpans(downloaded, 0);
  const uncovered = windows.slice(1).map((w, i) => [windows[i][1], w[0]] as const);
  if (uncovered.length > 0) warn(`${uncovered.length} hole(s) between downloaded windows, first ${isoFromMicros(uncovered[0][0])} … ${isoFromMicros(uncovered[0][1])} (lockstep data download over the whole window fills them)`);
  return {
    stream, parts: good.length, rows: good.reduce((s, p) => s + p.rows, 0), first: good[0]?.first ?? NaN, last: good.at(-1)?.last ?? NaN,
    missingBars, recordedGaps: recorded.length, uncovered,
  };
}

async function scalar(conn: Connection, sql: string): Promise<number> {
  const r = await conn.runAndReadAll(sql);
  return Number(r.getRows()[0][0] ?? 0);
}

async function partFacts(conn: Connection, file: string, kind: CatalogKind, t: string): Promise<{ rows: number; first: number; last: number; backwards: number; missing: string[] }> {
  const names = (await conn.runAndReadAll(`SELECT name FROM parquet_schema(${q(resolve(file))})`)).getRows().map((r) => String(r[0]));
  const want = [...(isTickKind(kind) ? ['ts_event', 'ts_local'] : ['timestamp']), ...valueColumnsOf(kind)];
  const missing = want.filter((c) => !names.includes(c));
  if (missing.length > 0) return { rows: 0, first: 0, last: 0, backwards: 0, missing };
  const r = (await conn.runAndReadAll(`SELECT count(*), min(${t}), max(${t}), count(*) FILTER (WHERE ${t} < prev) FROM (SELECT ${t}, lag(${t}) OVER (ORDER BY file_row_number) AS prev FROM read_parquet(${q(resolve(file))}, file_row_number = true))`)).getRows()[0];
  return { rows: Number(r[0]), first: Number(r[1]), last: Number(r[2]), backwards: Number(r[3]), missing };
}

/** Runs of missing bars [from, to) (µs) between a bar stream's first and last bar. */
export async function gapSpans(conn: Connection, files: string, t: string, step: number): Promise<Span[]> {
  const rows = (await conn.runAndReadAll(`SELECT ${t} + ${step} AS a, nxt AS b FROM (SELECT ${t}, lead(${t}) OVER (ORDER BY ${t}) AS nxt FROM read_parquet([${files}])) WHERE nxt - ${t} > ${step} ORDER BY a`)).getRows();
  return rows.map((r) => [Number(r[0]), Number(r[1])] as const);
}

/** Temp files of writers and Parquet parts without a sidecar. */
function leftovers(root: string): Finding[] {
  const out: Finding[] = [];
  const walk = (dir: string, depth: number, path: string[]) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(dir, e.name);
      const stream = path.slice(0, 3).join('/');
      if (/\.tmp-\d+$/.test(e.name)) out.push({ level: 'warning', stream, file: full, message: 'temp file of a writer (running, or killed: the next import or download removes it)' });
      else if (e.isDirectory() && depth > 0 && !(depth === 2 && !isCatalogKind(e.name))) walk(full, depth - 1, [...path, e.name]);
      else if (e.isFile() && depth === 0 && /^part-\d+\.parquet$/.test(e.name) && !existsSync(full.replace(/\.parquet$/, '.json'))) {
        out.push({ level: 'error', stream, file: full, message: 'Parquet part without a sidecar (an interrupted write): delete it' });
      }
    }
  };
  walk(root, 4, []);
  return out;
}
