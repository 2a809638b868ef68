import { runBacktest } from '../src/session/run-backtest.ts';
import { openBars } from '../src/data/read-bars.ts';
import { ensureBarFiles, BAR_COUNT, BAR_SEED } from './bars-dataset.ts';
import { buildDist, fmtRate, median, memoryTouchMiBps, peakRssMiB, ROOT, timeIt, writeBenchJson } from './bench-util.ts';
import { grademarkBarsPerSecond } from './grademark-bars.ts';
import { BACKTRADER, backtrader, NO_BACKTRADER } from './backtrader-peer.ts';
import { NO_VECTORBT, openVectorbt, VECTORBT } from './vectorbt-peer.ts';
import { openNodeSession, type PeerSession } from './peer-session.ts';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const PEER_BARS = 200_000;
/** Untimed runs before the engine runs that are timed (see barsBench). */
const WARMUP_RUNS = 5;

/**
 * Goal 2's peer figures: 200k one-minute bars from CSV, ma-cross 10/30 long/short, as whole
 * processes (lockstep backtest --no-save vs python + backtrader) and as load + run inside
 * the process, with both final values.
 */
async function backtraderComparison(): Promise<Record<string, unknown>> {
  if (!BACKTRADER) return { skipped: NO_BACKTRADER };
  const { csv } = await ensureBarFiles(PEER_BARS);
  const bin = join(ROOT, 'bin/lockstep.js');
  const walls: number[] = [];
  let lsFinal = Number.NaN;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    // The summary table, as backtrader's script prints its result (--json would add every fill and trade).
    const r = spawnSync(process.execPath, [bin, 'backtest', '--strategy', 'ma-cross', '--param', 'fast=10', '--param', 'slow=30', '--cash', '100000', '--data', csv, '--no-save'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
    walls.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`lockstep backtest failed: ${r.stderr}`);
    lsFinal = Number(/^final value\s+(\S+)/m.exec(r.stdout)?.[1]);
  }
  // Untimed runs first, as many as for the engine figure: they compile the CSV and engine paths
  // (the whole-process figure above pays that), and the heap and the allocator take their fresh
  // pages (gc before each run: 18.3k, 5.4k, 0.9k, 0.7k, 0.9k, then 0.4–0.5k page faults; two
  // warm-ups left the first timed runs 10–40 % slower than the later ones).
  for (let w = 0; w < WARMUP_RUNS; w++) await runBacktest({ ...config(csv), cash: 100_000 });
  const loadRun = await timeIt(5, () => runBacktest({ ...config(csv), cash: 100_000 }));
  const bt = backtrader(['run', csv, '10', '30']);
  const wall = median(walls);
  return {
    bars: PEER_BARS, lockstepWallSeconds: wall, lockstepLoadRunSeconds: loadRun.seconds, lockstepFinal: lsFinal,
    backtraderWallSeconds: bt.wallSeconds, backtraderLoadRunSeconds: bt.seconds, backtraderFinal: bt.final[0],
    wallRatio: bt.wallSeconds / wall, loadRunRatio: bt.seconds / loadRun.seconds, goals: { wallRatio: 20, loadRunRatio: 100 },
  };
}

const config = (file: string) => ({
  strategy: 'ma-cross', params: { fast: 10, slow: 30 },
  data: [{ file, instrument: { symbol: 'SYN' } }],
});

async function loadRows(file: string): Promise<number> {
  const s = await openBars(file);
  let n = 0;
  for await (const b of s.batches) n += b.length;
  return n;
}

/** One timed engine run of the engine session (bench/engine-session.mjs): its run time, page faults, records' counts, final value and digest. */
interface EngineRun {
  seconds: number;
  pageFaults: number;
  fills: number;
  trades: number;
  finalValue: number;
  initialCash: number;
  fillsDigest: string;
}

async function engineRun(engine: PeerSession): Promise<EngineRun> {
  return await engine.run() as unknown as EngineRun;
}

/**
 * The engine kept up in its own process, compiled and without module hooks, as `lockstep
 * backtest` runs (see bench/engine-session.mjs: a detached ArrayBuffer in this process, as tsx's
 * CommonJS hook left one, makes V8 check every typed-array access from then on); ready after
 * `WARMUP_RUNS` untimed runs, until the JIT has settled and the heap and the allocator have
 * taken their pages (gc before each run: 12.5k, 9.5k, 3.1k, 5.9k, then 0.1–0.6k page faults
 * per run; a fresh page costs ~13 µs on this project's VMs). It raises glibc's malloc
 * thresholds first, as the command does: the previous result's ~24 MB, freed when the next run
 * starts, then stay with the process (at glibc's defaults they went back to the system in
 * about one run in four, and that run took them again: 2–6k faults, ~0.03–0.06 s).
 */
function openEngine(): Promise<PeerSession> {
  return openNodeSession(join(ROOT, 'bench/engine-session.mjs'), [String(BAR_COUNT), String(BAR_SEED), String(WARMUP_RUNS)],
    ['--expose-gc', '--import', join(ROOT, 'bin/raise-malloc-thresholds.mjs')]);
}

/**
 * Goal 5's single backtest: five pairs, an engine run and then at once vectorbt's (both kept
 * up, each in its own process), so both sides of a pair run in the same phase of a machine whose
 * speed drifts; each engine run's page faults are written with it.
 */
async function vectorbtPairs(vbt: PeerSession, engine: PeerSession) {
  const pairs: Array<{ lockstep: number; lockstepPageFaults: number; vectorbt: number; final: number }> = [];
  for (let k = 0; k < 5; k++) {
    const e = await engineRun(engine);
    const v = await vbt.run();
    pairs.push({ lockstep: e.seconds, lockstepPageFaults: e.pageFaults, vectorbt: Number(v.seconds), final: Number(v.final) });
  }
  return { pairs, peakRssMiB: (await vbt.close()).peakRssMiB };
}

/** Bars workload: 1M one-minute bars, ma-cross 10/30 long/short. */
export async function barsBench(): Promise<Record<string, unknown>> {
  const files = await ensureBarFiles();
  // The whole process and the engine session run the command's compiled tree, not the sources through tsx.
  buildDist();
  // First, on a clean heap (the runs below keep 1M-bar results alive until the end).
  const peer = await backtraderComparison();
  const reps = 3;
  const csv = await timeIt(reps, () => loadRows(files.csv));
  const pq = await timeIt(reps, () => loadRows(files.parquet));
  const vbtSession = VECTORBT ? await openVectorbt(files.csv, 10, 30) : null;
  const engine = await openEngine();
  // Goal 2's engine figure: five runs back to back.
  const engineRuns: number[] = [];
  const engineRunPageFaults: number[] = [];
  let r!: EngineRun;
  for (let k = 0; k < 5; k++) {
    r = await engineRun(engine);
    engineRuns.push(r.seconds);
    engineRunPageFaults.push(r.pageFaults);
  }
  const vbt = vbtSession !== null ? await vectorbtPairs(vbtSession, engine) : null;
  const engineRss = (await engine.close()).peakRssMiB;
  const pairs = vbt?.pairs ?? [];
  const vbtRss = vbt?.peakRssMiB ?? Number.NaN;
  const fromParquet = await timeIt(reps, () => runBacktest(config(files.parquet)));
  const fromCsv = await timeIt(reps, () => runBacktest(config(files.csv)));
  // The workload's peak: this process's (loads, runs from files, peers' start) or the engine session's.
  const rss = Math.max(peakRssMiB(), engineRss);
  const gm = await grademarkBarsPerSecond(100_000);
  // Goal 5: one 1M-bar MA backtest's compute in vectorbt (after its JIT compile and five untimed runs, as the engine's) against the engine run, pair by pair.
  const pairRatio = median(pairs.map((p) => p.vectorbt / p.lockstep));
  const vbtSeconds = median(pairs.map((p) => p.vectorbt));
  // Median over 5 runs of the engine loop alone (data already in memory).
  const engineRate = BAR_COUNT / median(engineRuns);
  const touch = memoryTouchMiBps();
  const figures = {
    bars: BAR_COUNT,
    csvLoadRowsPerSec: csv.value / csv.seconds,
    parquetLoadRowsPerSec: pq.value / pq.seconds,
    engineBarsPerSec: engineRate,
    /** The five timed engine runs in the order they ran (the figure above is their median), and each one's page faults. */
    engineRunSeconds: engineRuns,
    engineRunPageFaults,
    engineWarmupRuns: WARMUP_RUNS,
    endToEndParquetBarsPerSec: BAR_COUNT / fromParquet.seconds,
    endToEndCsvBarsPerSec: BAR_COUNT / fromCsv.seconds,
    peakRssMiB: rss,
    memoryFirstTouchMiBps: touch.firstTouch,
    memoryRewriteMiBps: touch.rewrite,
    fills: r.fills,
    trades: r.trades,
    fillsDigest: r.fillsDigest,
    engineSessionPeakRssMiB: engineRss,
    grademarkBars: gm.bars,
    grademarkBarsPerSec: gm.barsPerSec,
    speedupVsGrademarkEngine: engineRate / gm.barsPerSec,
    speedupVsGrademarkEndToEndCsv: BAR_COUNT / fromCsv.seconds / gm.barsPerSec,
    targets: { engineBarsPerSec: 8e6, parquetLoadRowsPerSec: 5e6, peakRssMiB: 1024 },
    backtrader: peer,
    /** Five pairs (an engine run with its page faults, then vectorbt's backtest at once), after the engine runs above; the ratio is the median pair's. */
    vectorbt: vbt === null ? { skipped: NO_VECTORBT } : { pairs, seconds: vbtSeconds, final: pairs[pairs.length - 1].final, peakRssMiB: vbtRss, lockstepSeconds: median(pairs.map((p) => p.lockstep)), ratio: pairRatio, goal: 2 },
  };
  const out = writeBenchJson('bars', figures);
  console.log([
    `bars: ${BAR_COUNT.toLocaleString()} one-minute bars, ma-cross 10/30 long/short (${r.fills} fills, ${r.trades} trades)`,
    `  load CSV          ${fmtRate(figures.csvLoadRowsPerSec)} rows/s`,
    `  load Parquet      ${fmtRate(figures.parquetLoadRowsPerSec)} rows/s   (target ≥ 5M)`,
    `  engine run        ${fmtRate(engineRate)} bars/s   (goal ≥ 8M, issue 22's goal 2; median of runs of ${engineRuns.map((x) => x.toFixed(3)).join(' / ')} s after ${WARMUP_RUNS} untimed, in the engine session's process; page faults ${engineRunPageFaults.map((x) => `${(x / 1000).toFixed(1)}k`).join(' / ')})`,
    `  end to end Parquet ${fmtRate(figures.endToEndParquetBarsPerSec)} bars/s`,
    `  end to end CSV    ${fmtRate(figures.endToEndCsvBarsPerSec)} bars/s`,
    `  peak RSS          ${rss.toFixed(0)} MiB   (target < 1024)`,
    `  memory writes     ${touch.firstTouch.toFixed(0)} MiB/s to new pages, ${touch.rewrite.toFixed(0)} MiB/s again (this machine; a 1M-bar ma-cross run's equity curve writes 8 MiB of new pages: one column of signed notionals, times and cash kept compactly until read)`,
    `  grademark         ${fmtRate(gm.barsPerSec)} bars/s on ${gm.bars.toLocaleString()} bars → Lockstep engine ${figures.speedupVsGrademarkEngine.toFixed(0)}×, end to end from CSV ${figures.speedupVsGrademarkEndToEndCsv.toFixed(0)}×`,
    'wallRatio' in peer
      ? `  backtrader, ${PEER_BARS.toLocaleString()} CSV bars: whole process ${(peer.backtraderWallSeconds as number).toFixed(2)} s vs lockstep ${(peer.lockstepWallSeconds as number).toFixed(2)} s → ${(peer.wallRatio as number).toFixed(1)}× (goal ≥ 20×); load+run ${(peer.backtraderLoadRunSeconds as number).toFixed(2)} s vs ${(peer.lockstepLoadRunSeconds as number).toFixed(3)} s → ${(peer.loadRunRatio as number).toFixed(0)}× (goal ≥ 100×); final values ${(peer.backtraderFinal as number).toFixed(2)} / ${(peer.lockstepFinal as number).toFixed(2)}`
      : `  backtrader: ${String(peer.skipped)}`,
    vbt === null ? `  vectorbt: ${NO_VECTORBT}`
      : `  vectorbt          one 1M-bar backtest, five pairs (engine run, then vectorbt's; each side after five untimed runs, vectorbt's first its JIT compile): ${pairs.map((p) => `${p.lockstep.toFixed(3)}/${p.vectorbt.toFixed(3)} s ${(p.vectorbt / p.lockstep).toFixed(2)}× (${(p.lockstepPageFaults / 1000).toFixed(1)}k faults)`).join(', ')} → median pair ${pairRatio.toFixed(2)}× (goal ≥ 2×); final value vectorbt ${pairs[pairs.length - 1].final.toFixed(2)} on 100,000 cash, lockstep ${r.finalValue.toFixed(2)} on ${r.initialCash.toLocaleString()} (P&L ${(pairs[pairs.length - 1].final - 100_000).toFixed(2)} / ${(r.finalValue - r.initialCash).toFixed(2)})`,
    `  → ${out}`,
  ].join('\n'));
  return figures;
}
