import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { strategy as maCross } from '../../strategies/ma-cross/index.ts';
import { tempDir } from '../../test/tmp.ts';
import { OptunaSampler } from './optuna-sampler.ts';

const tmp = tempDir();
const options = { sampler: 'tpe' as const, directions: ['maximize' as const], seed: 7, trials: 8, study: 'reuse' };

/** Asks `n` one at a time, telling each a value from its params, and returns the params asked. */
async function askAll(s: OptunaSampler, n: number): Promise<string[]> {
  const asked: string[] = [];
  for (let i = 0; i < n; i++) {
    const [p] = await s.ask(1);
    asked.push(JSON.stringify(p.params));
    await s.tell([{ proposal: p, outcome: { state: 'complete', values: [Number(p.params.fast) - Number(p.params.slow) / 10] } }]);
  }
  return asked;
}

describe('one Optuna process for a run\'s samplers in turn', () => {
  it('a sampler after a closed one takes its process and proposes what a new process would', async () => {
    const first = new OptunaSampler(maCross.space!, options);
    const a = await askAll(first, 8);
    const pid = first.processId;
    await first.close();
    const second = new OptunaSampler(maCross.space!, options);
    const b = await askAll(second, 8);
    expect(second.processId).toBe(pid); // the same process …
    // … starting afresh: the same seed gives the same proposals (TPE's last ones model the first ones' values).
    expect(b).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(4);
    await second.close();
  }, 60_000);

  it('a process left idle neither holds the run open nor outlives it', () => {
    const script = tmp.file('idle.mts', `
import { OptunaSampler } from ${JSON.stringify(new URL('./optuna-sampler.ts', import.meta.url).pathname)};
const s = new OptunaSampler({ params: ${JSON.stringify(maCross.space!.params)} }, ${JSON.stringify(options)});
await s.ask(1);
console.log(s.processId);
await s.close();
`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.error).toBeUndefined(); // a timeout: the idle child held the run open
    expect(r.status, r.stderr).toBe(0);
    const pid = Number(r.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // Its stdin ended with the run: the bridge reads to its end and exits.
    const until = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < until) {
      try {
        process.kill(pid, 0);
        spawnSync('sleep', ['0.1']);
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  }, 90_000);
});
