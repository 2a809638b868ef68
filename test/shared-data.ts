import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Root of the shared sample data: $LOCKSTEP_SHARED_DATA, else ../shared/data next to the
 * repository, else /work/shared/data (the workspace's copy).
 */
export const SHARED_DATA = [process.env.LOCKSTEP_SHARED_DATA, resolve(import.meta.dirname, '../../shared/data'), '/work/shared/data']
  .find((p): p is string => p !== undefined && existsSync(p)) ?? resolve(import.meta.dirname, '../../shared/data');

/** Path of a shared sample file; fails loudly when the data is missing. */
export function sharedFile(rel: string): string {
  const p = resolve(SHARED_DATA, rel);
  if (!existsSync(p)) throw new Error(`shared sample data missing: ${p} (the repository expects ../shared/data beside it)`);
  return p;
}

/** Debian's Python when present (the project's set-up installs it), else python3 on PATH. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
