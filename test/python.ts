import { execFileSync } from 'node:child_process';
import { PYTHON } from './shared-data.ts';

/** Runs a Python script with Debian's Python (`python3 -c`) and returns what it printed. */
export function runPython(script: string): string {
  return execFileSync(PYTHON, ['-c', script]).toString();
}

/** Runs a Python script (see runPython) that prints one JSON value, and returns it parsed. */
export function pythonJson<T = Record<string, unknown>>(script: string): T {
  return JSON.parse(runPython(script)) as T;
}
