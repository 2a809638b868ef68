/**
 * What the callgrind-based counters of this folder share (bar-loop-instructions.mjs,
 * order-cycle-instructions.mjs): the check that valgrind is installed, and callgrind's self
 * counts per function with V8's JIT code named from a `--perf-basic-prof` map.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Exits with a hint when valgrind is missing. */
export function requireValgrind(tool) {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.error(`${tool}: valgrind not found; install it with \`apt-get install valgrind\` (Debian) and run again`);
    process.exit(2);
  }
}

/**
 * A `--perf-basic-prof` map (`/tmp/perf-PID.map`: start, size, name per line, appended as V8
 * makes code) as a lookup of an address's function. V8 reuses the memory of code it dropped, so
 * an address can lie in several entries. callgrind names JIT code by the first address it
 * entered (a code object's start, or an on-stack-replacement entry inside it) and sums every
 * code object that later lay there under that one name: the name given is the latest entry's,
 * and a few of its counts may belong to code that lay there before (a per-run initializer
 * showing hundreds of instructions per order is such a case). Totals are exact.
 */
function perfMap(file) {
  const entries = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [start, size, ...name] = line.split(' ');
    return { start: Number.parseInt(start, 16), end: Number.parseInt(start, 16) + Number.parseInt(size, 16), name: name.join(' ') };
  });
  return (addr) => {
    for (let k = entries.length - 1; k >= 0; k--) if (entries[k].start <= addr && addr < entries[k].end) return entries[k].name;
    return null;
  };
}

/**
 * Self instructions per function of a callgrind output file (without `--dump-instr`), names
 * compressed as `fn=(id) name` or defined at a `cfn=` first; JIT code, which callgrind names by
 * address, named from the perf map (`JS:*f file:line` as V8 writes it).
 */
export function selfCounts(callgrindFile, perfMapFile) {
  const lookup = perfMap(perfMapFile);
  const names = new Map();
  const name = (id, text) => {
    if (text) names.set(id, text);
    return names.get(id) ?? id;
  };
  const self = new Map();
  let current = null;
  let skipNext = false;
  for (const line of readFileSync(callgrindFile, 'utf8').split('\n')) {
    const fn = /^(c?)fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (fn !== null) {
      const n = name(fn[2], fn[3]);
      if (fn[1] === '') current = n;
      continue;
    }
    if (line.startsWith('calls=')) {
      skipNext = true; // the next cost line is the call's inclusive cost, not this function's own
      continue;
    }
    const cost = /^[+-]?\d+\s+(\d+)/.exec(line);
    if (cost === null || current === null) continue;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    self.set(current, (self.get(current) ?? 0) + Number(cost[1]));
  }
  const named = new Map();
  for (const [fn, n] of self) {
    const addr = /^0x([0-9a-f]+)$/.exec(fn);
    const label = addr === null ? fn : lookup(Number.parseInt(addr[1], 16)) ?? 'JIT code outside the perf map';
    named.set(label, (named.get(label) ?? 0) + n);
  }
  return named;
}
