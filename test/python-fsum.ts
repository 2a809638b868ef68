import { execFileSync } from 'node:child_process';
import { PYTHON } from './shared-data.ts';

/**
 * Python's math.fsum of each given list of doubles, computed by CPython: the reference for
 * exact window sums. Values go out and come back as repr strings, which keep every bit.
 */
export function pythonFsums(windows: readonly (readonly number[])[]): number[] {
  const py = 'import json, math, sys\n'
    + 'ws = [[float(x) for x in w] for w in json.load(sys.stdin)]\n'
    + 'print(json.dumps([repr(math.fsum(w)) for w in ws]))';
  const input = JSON.stringify(windows.map((w) => w.map((x) => String(x))));
  return (JSON.parse(execFileSync(PYTHON, ['-c', py], { input, maxBuffer: 512 << 20 }).toString()) as string[]).map(Number);
}

/** math.fsum over every full window of length `n` sliding along `xs` (and fsum / n). */
export function pythonWindows(xs: readonly number[], n: number): { sums: number[]; means: number[] } {
  const py = 'import json, math, sys\nd = json.load(sys.stdin); xs, n = [float(x) for x in d["xs"]], d["n"]\n'
    + 'sums = [math.fsum(xs[i + 1 - n:i + 1]) for i in range(n - 1, len(xs))]\n'
    + 'print(json.dumps({"sums": [repr(s) for s in sums], "means": [repr(s / n) for s in sums]}))';
  const input = JSON.stringify({ xs: xs.map((x) => String(x)), n });
  const out = JSON.parse(execFileSync(PYTHON, ['-c', py], { input, maxBuffer: 512 << 20 }).toString()) as { sums: string[]; means: string[] };
  return { sums: out.sums.map(Number), means: out.means.map(Number) };
}
