import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LockstepError } from './errors.ts';

/** What the operating system said, in words a user can act on. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** A file or folder that could not be read or written: names the path, the reason, and what to do. */
export class FileError extends LockstepError {
  constructor(readonly path: string, readonly doing: string, readonly osCode: string) {
    const fix = osCode === 'ENOSPC' || osCode === 'EDQUOT' ? ' — free some space or choose another folder'
      : osCode === 'EACCES' || osCode === 'EPERM' || osCode === 'EROFS' ? ' — choose a folder you can write to' : '';
    super('file', `cannot ${doing} ${path}: ${REASONS[osCode] ?? osCode} (${osCode})${fix}`);
    this.name = 'FileError';
  }
}

/** The OS error code of a Node system error, or null for anything else. */
export function osErrorCode(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && e instanceof Error ? code : null;
}

/** `e` as a FileError about `path` when it is an operating-system error; anything else unchanged. */
export function asFileError(e: unknown, path: string, doing: string): unknown {
  if (e instanceof LockstepError) return e;
  const code = osErrorCode(e);
  return code === null ? e : new FileError((e as NodeJS.ErrnoException).path ?? path, doing, code);
}

/**
 * Creates a folder and its missing parents. Node's own `mkdir(…, {recursive: true})` spins
 * forever under some paths (e.g. below /proc); this walks up and down itself and turns
 * failures into a FileError naming the folder.
 */
export async function makeDir(path: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) return;
    throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR', path });
  } catch (e) {
    if (osErrorCode(e) !== 'ENOENT') throw asFileError(e, path, 'create the folder');
  }
  const parent = dirname(path);
  if (parent !== path) await makeDir(parent);
  try {
    await mkdir(path);
  } catch (e) {
    if (osErrorCode(e) !== 'EEXIST') throw asFileError(e, path, 'create the folder');
  }
}

/** `makeDir`, synchronously. */
export function makeDirSync(path: string): void {
  try {
    if (statSync(path).isDirectory()) return;
    throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR', path });
  } catch (e) {
    if (osErrorCode(e) !== 'ENOENT') throw asFileError(e, path, 'create the folder');
  }
  const parent = dirname(path);
  if (parent !== path) makeDirSync(parent);
  try {
    mkdirSync(path);
  } catch (e) {
    if (osErrorCode(e) !== 'EEXIST') throw asFileError(e, path, 'create the folder');
  }
}

/** The suffix of a temporary file or folder written by process `pid`: `<final>.tmp-<pid>`. */
export function tempSuffix(pid = process.pid): string {
  return `.tmp-${pid}`;
}

/**
 * Removes `*.tmp-<pid>` files and folders in `dir` left by processes that are gone (a
 * crash or kill -9 mid-write). Returns what it removed. Entries of live processes stay.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(`${dir}/${name}`, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return osErrorCode(e) === 'EPERM'; // alive, but not ours to signal
  }
}

/** A folder's Parquet files (their paths), in name order. */
export async function parquetFilesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.parquet')).sort().map((f) => join(dir, f));
}
