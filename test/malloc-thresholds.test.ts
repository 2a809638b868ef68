import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../bin/malloc-thresholds.mjs', import.meta.url));
const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime !== undefined;

/**
 * Page faults of each of eight rounds in a fresh process: six 512 KiB typed arrays written
 * (3 MiB, 768 pages), let go, collected, a pause; with or without the thresholds raised first.
 */
function faultsPerRound(raise: boolean): number[] {
  const script = `
    import { raiseMallocThresholds } from ${JSON.stringify(MODULE)};
    if (${raise}) raiseMallocThresholds();
    function round() {
      const f0 = process.resourceUsage().minorPageFault;
      const blocks = [];
      for (let i = 0; i < 6; i++) { const a = new Float64Array(65536); for (let j = 0; j < a.length; j += 512) a[j] = j; blocks.push(a); }
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
    const plain = faultsPerRound(false);
    expect(plain.slice(4).filter((f) => f > 600).length, `faults per round: ${plain}`).toBeGreaterThanOrEqual(2);
    // Raised (once the block is freed, at the first collection, and the rounds' arrays have
    // moved into the heap): the later rounds reuse the same pages.
    const raised = faultsPerRound(true);
    expect(Math.max(...raised.slice(4)), `faults per round: ${raised}`).toBeLessThan(100);
  }, 60_000);
});
