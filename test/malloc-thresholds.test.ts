import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../bin/malloc-thresholds.mjs', import.meta.url));
const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime !== undefined;

/**
 * Page faults of each of eight rounds in a fresh process: `count` typed arrays of `length`
 * doubles written (one value a page), let go, collected, a pause; with or without the
 * thresholds raised first.
 */
function faultsPerRound(raise: boolean, count: number, length: number): number[] {
  const script = `
    import { raiseMallocThresholds } from ${JSON.stringify(MODULE)};
    if (${raise}) raiseMallocThresholds();
    function round() {
      const f0 = process.resourceUsage().minorPageFault;
      const blocks = [];
      for (let i = 0; i < ${count}; i++) { const a = new Float64Array(${length}); for (let j = 0; j < a.length; j += 512) a[j] = j; blocks.push(a); }
      return [blocks, process.resourceUsage().minorPageFault - f0];
    }
    const out = [];
    for (let k = 0; k < 8; k++) {
      let [blocks, faults] = round();
      out.push(faults);
      blocks = null; gc(); gc();
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' })) as number[];
}

describe('raiseMallocThresholds (bin/lockstep.js, first thing)', () => {
  it.skipIf(!glibc)('memory a process frees stays mapped for its next use instead of going back to the system', () => {
    // The control: at glibc's 128 KiB thresholds the 3 MiB go back to the system after a
    // collection, and a later round takes them again page by page (every other round here).
    const plain = faultsPerRound(false, 6, 65_536); // 3 MiB, 768 pages
    expect(plain.slice(4).filter((f) => f > 600).length, `faults per round: ${plain}`).toBeGreaterThanOrEqual(2);
    // Raised (once the block is freed, at the first collection, and the rounds' arrays have
    // moved into the heap): the later rounds reuse the same pages.
    const raised = faultsPerRound(true, 6, 65_536);
    expect(Math.max(...raised.slice(4)), `faults per round: ${raised}`).toBeLessThan(100);
  }, 60_000);

  it.skipIf(!glibc)('so do the ~24 MB of a 1M-bar run\'s equity columns, freed when the next run begins', () => {
    // Three 8 MB columns (5.9k pages): over a 4 MiB threshold they went back to the system in
    // most rounds, plain or raised only that far (measured: 5.8k faults in 5–6 of rounds 2–8).
    const plain = faultsPerRound(false, 3, 1_000_000);
    expect(plain.slice(4).filter((f) => f > 2000).length, `faults per round: ${plain}`).toBeGreaterThanOrEqual(2);
    const raised = faultsPerRound(true, 3, 1_000_000);
    expect(Math.max(...raised.slice(4)), `faults per round: ${raised}`).toBeLessThan(100);
  }, 60_000);
});
