/**
 * What the callgrind-based counters of this folder share (bar-loop-instructions.mjs,
 * order-cycle-instructions.mjs, inlined-counts.mjs): the check that valgrind is installed, the
 * one reader of callgrind's output files, counts per instruction address (own and of the calls
 * made there), and self counts per function with V8's JIT code named from a `--perf-basic-prof` map.
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

/** A cost line: its position (an address with `--dump-instr=yes`: absolute, relative or `*`; else a line) and its count. */
const ADDRESS_COST = /^(0x[0-9a-f]+|[+-]\d+|\*)\s+\S+\s+(\d+)/;
const LINE_COST = /^(?:[+-]?\d+|\*)\s+(\d+)/;

/**
 * Reads a callgrind output file's cost lines, calling `visit(fn, addr, count, call)` for each:
 * the function's name (names are compressed as `fn=(id) name`, given once, at the id's first
 * use in an `fn=` or a `cfn=` line; callgrind names JIT code by its address), the instruction
 * address when the file has them (`--dump-instr=yes`: relative positions resolved against the
 * previous cost line; NaN otherwise), the count, and whether the line is a call's inclusive
 * cost (the line after `calls=`) rather than the function's own instructions.
 */
export function readCosts(callgrindFile, visit) {
  const text = readFileSync(callgrindFile, 'utf8');
  const withAddress = /^positions:.*\binstr\b/m.test(text);
  const names = new Map();
  let fn = null;
  let addr = Number.NaN;
  let call = false;
  for (const line of text.split('\n')) {
    const f = /^(c?)fn=\((\d+)\)(?: (.*))?$/.exec(line);
    if (f !== null) {
      if (f[3] !== undefined) names.set(f[2], f[3]);
      if (f[1] === '') fn = names.get(f[2]) ?? f[2];
      continue;
    }
    if (line.startsWith('calls=')) {
      call = true;
      continue;
    }
    const cost = (withAddress ? ADDRESS_COST : LINE_COST).exec(line);
    if (cost === null) continue;
    if (withAddress) {
      if (cost[1].startsWith('0x')) addr = Number.parseInt(cost[1], 16);
      else if (cost[1] !== '*') addr += Number(cost[1]);
    }
    if (fn !== null) visit(fn, addr, Number(cost[withAddress ? 2 : 1]), call);
    call = false;
  }
}

/**
 * Instructions per address of a file written with `--dump-instr=yes`: each address's own, and the
 * inclusive instructions of the calls made there; of one function only when `fnName` is given
 * (V8 reuses the memory of code it dropped, so other code may have lain at the same addresses).
 */
export function addressCounts(callgrindFile, fnName = null) {
  const own = new Map();
  const calls = new Map();
  readCosts(callgrindFile, (fn, addr, n, call) => {
    if (fnName !== null && fn !== fnName) return;
    const into = call ? calls : own;
    into.set(addr, (into.get(addr) ?? 0) + n);
  });
  return { own, calls };
}

/**
 * Self instructions per function of a callgrind output file (without `--dump-instr`), JIT code,
 * which callgrind names by address, named from the perf map (`JS:*f file:line` as V8 writes it).
 */
export function selfCounts(callgrindFile, perfMapFile) {
  const lookup = perfMap(perfMapFile);
  const self = new Map();
  readCosts(callgrindFile, (fn, _addr, n, call) => {
    if (!call) self.set(fn, (self.get(fn) ?? 0) + n);
  });
  const named = new Map();
  for (const [fn, n] of self) {
    const addr = /^0x([0-9a-f]+)$/.exec(fn);
    const label = addr === null ? fn : lookup(Number.parseInt(addr[1], 16)) ?? 'JIT code outside the perf map';
    named.set(label, (named.get(label) ?? 0) + n);
  }
  return named;
}
