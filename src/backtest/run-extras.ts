import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asFileError, tempSuffix } from '../core/files.ts';

/**
 * Analyses added to a saved run after it ran (montecarlo.json, stress.json): written whole or
 * not at all, read back by the report when present. Each carries its `schema`.
 */
export async function writeRunExtra(runDir: string, name: string, value: { readonly schema: string }): Promise<string> {
  const file = join(runDir, name);
  const tmp = `${file}${tempSuffix()}`;
  try {
    await writeFile(tmp, JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2));
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw asFileError(e, file, 'write');
  }
  return file;
}

/** The saved analysis `name` of a run when present and of `schema`, else null. */
export async function readRunExtra<T extends { readonly schema: string }>(runDir: string, name: string, schema: T['schema']): Promise<T | null> {
  const file = join(runDir, name);
  if (!existsSync(file)) return null;
  const v = JSON.parse(await readFile(file, 'utf8')) as T;
  return v.schema === schema ? v : null;
}
