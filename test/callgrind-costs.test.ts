import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script of the bench folder (no types)
import { addressCounts, readCosts, selfCounts } from '../bench/callgrind.mjs';

/** The instruction counters' reader of callgrind files (bench/callgrind.mjs), on files written by hand in callgrind's format. */
const dir = mkdtempSync(join(tmpdir(), 'callgrind-costs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

type Cost = [fn: string, addr: number, count: number, call: boolean];

function costsOf(path: string): Cost[] {
  const out: Cost[] = [];
  readCosts(path, (fn: string, addr: number, n: number, call: boolean) => out.push([fn, addr, n, call]));
  return out;
}

describe('readCosts', () => {
  it('resolves relative and repeated instruction addresses, compressed names and call costs (--dump-instr=yes)', () => {
    const path = file('instr.out', [
      'version: 1', 'positions: instr line', 'events: Ir', '',
      'fn=(1) main',
      '0x1000 10 5', // main's own 5 at 0x1000
      '+4 11 7', // 0x1004
      '* * 2', // 0x1004 again
      'cfn=(2) 0x00007f0000002000', // a callee named on first use in a cfn line
      'calls=3 0x2000 0',
      '+2 12 900', // the call's inclusive cost, made at 0x1006
      '-6 13 1', // back to 0x1000
      '', 'fn=(2)', // the callee, its name given before
      '0x2000 0 300',
      'summary: 315',
    ]);
    expect(costsOf(path)).toEqual([
      ['main', 0x1000, 5, false],
      ['main', 0x1004, 7, false],
      ['main', 0x1004, 2, false],
      ['main', 0x1006, 900, true],
      ['main', 0x1000, 1, false],
      ['0x00007f0000002000', 0x2000, 300, false],
    ]);
    // Own counts add up to callgrind's summary: 5 + 7 + 2 + 1 + 300.
    expect(costsOf(path).filter((c) => !c[3]).reduce((s, c) => s + c[2], 0)).toBe(315);
  });

  it('reads line positions, `*` included, without addresses', () => {
    const path = file('lines.out', [
      'positions: line', 'events: Ir',
      'fn=(1) f', '10 3', '+2 4', '* 5', 'calls=1 20', '* 50', '-1 6',
    ]);
    expect(costsOf(path)).toEqual([
      ['f', Number.NaN, 3, false], ['f', Number.NaN, 4, false], ['f', Number.NaN, 5, false],
      ['f', Number.NaN, 50, true], ['f', Number.NaN, 6, false],
    ]);
  });
});

describe('addressCounts', () => {
  const path = () => file('address.out', [
    'version: 1', 'positions: instr line', 'events: Ir', '',
    'fn=(1) 0x0000000000001000', // the loop's code, named by its address as callgrind names JIT code
    '0x1000 0 5', '+4 0 7', 'cfn=(2) 0x0000000000002000', 'calls=3 0x2000 0', '+2 0 900', '-6 0 1',
    'fn=(3) 0x0000000000003000', // other code that lay at the same addresses before
    '0x1000 0 40', 'cfn=(2)', 'calls=1 0x2000 0', '+6 0 60',
    'fn=(2)', '0x2000 0 300',
  ]);

  it('sums own and called instructions per address over every function', () => {
    const { own, calls } = addressCounts(path());
    // 0x1000: 5 + 1 (the loop) + 40 (the other code); 0x2000: the callee's own 300.
    expect(Object.fromEntries(own)).toEqual({ [0x1000]: 46, [0x1004]: 7, [0x2000]: 300 });
    expect(Object.fromEntries(calls)).toEqual({ [0x1006]: 960 });
  });

  it('keeps one function\'s counts when named', () => {
    const { own, calls } = addressCounts(path(), '0x0000000000001000');
    expect(Object.fromEntries(own)).toEqual({ [0x1000]: 6, [0x1004]: 7 });
    expect(Object.fromEntries(calls)).toEqual({ [0x1006]: 900 });
  });
});

describe('selfCounts', () => {
  it('sums each function’s own instructions and names JIT code from the perf map', () => {
    const path = file('self.out', [
      'positions: line', 'events: Ir',
      'fn=(1) node::Start', '1 100', 'cfn=(2) 0x00000000000a0010', 'calls=2 0', '* 1000', '* 1',
      'fn=(2)', '5 400', '* 20',
      'fn=(3) 0x00000000000b0000', '1 9',
    ]);
    // V8 wrote code at 0xa0000 (size 0x40), then other code over the same memory: the later entry names it.
    const map = file('perf.map', ['a0000 40 JS:~old file:1', 'a0000 80 JS:*onBar file:2']);
    const self = selfCounts(path, map);
    expect(Object.fromEntries(self)).toEqual({ 'node::Start': 101, 'JS:*onBar file:2': 420, 'JIT code outside the perf map': 9 });
  });
});
