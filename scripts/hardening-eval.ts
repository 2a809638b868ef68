/**
 * `npm run hardening-eval`: re-runs the categories of the outside hardening evaluation
 * (issue 18) against the CLI and counts crashes, silent results and leftovers:
 *   inputs     hand-made bad data files (bars CSV/Parquet/Arrow, tick folders, windows)
 *   fuzz       600 files: the demo CSV with one cell replaced by a random good or bad
 *              token; an oracle written here (not the reader's validation) says which are bad
 *   argv       bad command lines (usage errors must exit 2 with one line)
 *   kill       kill -9 of backtests (10M bars, spilling) and optimizations, then the next
 *              run: no temporary folder survives, every result folder is complete, resumed
 *              studies finish with the same best point as an uninterrupted one
 *   disk-full  runs on a tiny tmpfs (root only): exit 1 naming the file, nothing left
 * A crash is exit 70 or a stack trace; silent is exit 0 on input the oracle calls bad;
 * a leftover is a `*.tmp-<pid>` entry or an incomplete result folder. Exits 1 on any.
 * Bounded: every case has a timeout, the kill runs a fixed count.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.ts';
import { ParquetStreamWriter } from '../src/data/parquet-stream.ts';
import { writeSynthBarFile } from '../src/data/synth-bars.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'lockstep.js');
const DEMO = join(ROOT, 'data', 'sample', '2006-day-001.csv');
const work = mkdtempSync(join(tmpdir(), 'lockstep-hardening-'));

interface Outcome { code: number; err: string; out: string }
interface Tally { cases: number; crashes: string[]; silent: string[]; leftovers: string[]; wrong: string[] }
const tallies = new Map<string, Tally>();
const tally = (cat: string): Tally => {
  let t = tallies.get(cat);
  if (!t) tallies.set(cat, (t = { cases: 0, crashes: [], silent: [], leftovers: [], wrong: [] }));
  return t;
};

async function cli(argv: string[]): Promise<Outcome> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => { out += `${s}\n`; }, (s) => { err += `${s}\n`; });
  return { code, out, err };
}

const crashed = (o: Outcome) => o.code === 70 || /\n\s+at .+:\d+:\d+\)?\n/.test(o.err) || /internal error/i.test(o.err);

/** Entries a failed or killed run must not leave: temp files and folders, result folders without result.json. */
function leftovers(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (/\.tmp-\d+/.test(name)) out.push(name);
    else if (!name.startsWith('opt-') && existsSync(join(dir, name, 'equity.parquet')) && !existsSync(join(dir, name, 'result.json'))) out.push(`${name} (no result.json)`);
  }
  return out;
}

/** A case that must fail with a one-line message (naming `names` when given), saving nothing. */
async function expectRefusal(cat: string, label: string, argv: string[], want: { code?: number; names?: string } = {}): Promise<void> {
  const t = tally(cat);
  t.cases++;
  const out = join(work, `out-${cat}`);
  const o = await cli([...argv, ...(argv[0] === 'backtest' && !argv.includes('--no-save') && !argv.includes('--out') ? ['--out', out] : [])]);
  if (crashed(o)) t.crashes.push(`${label}: ${o.err.split('\n')[0]}`);
  else if (o.code === 0) t.silent.push(label);
  else if ((want.code !== undefined && o.code !== want.code) || (want.names !== undefined && !o.err.includes(want.names))) {
    t.wrong.push(`${label}: exit ${o.code}: ${o.err.split('\n')[0]}`);
  }
  const left = leftovers(out);
  if (left.length > 0) t.leftovers.push(`${label}: ${left.join(', ')}`);
  rmSync(out, { recursive: true, force: true });
}

// ---- inputs --------------------------------------------------------------------------------

const HEADER = 'date,open,high,low,close,volume';
function csv(name: string, rows: string[]): string {
  const f = join(work, name);
  writeFileSync(f, `${[HEADER, ...rows].join('\n')}\n`);
  return f;
}

async function inputs(): Promise<void> {
  const good = ['2020-01-02,1,2,0.5,1.5,10', '2020-01-03,1.5,2.5,1,2,10'];
  const bad: Array<[string, string]> = [
    ['pre-1970', '1969-12-31,1,2,0.5,1.5,10'], ['year 0000', '0000-01-01,1,2,0.5,1.5,10'], ['epoch 1e20', '100000000000000000000,1,2,0.5,1.5,10'],
    ['hex price', '2020-01-04,0xE10,4000,1,3000,10'], ['Infinity', '2020-01-04,Infinity,4000,1,3000,10'], ['NaN', '2020-01-04,NaN,2,0.5,1.5,10'],
    ['open above high', '2020-01-04,5,4,1,3,10'], ['close below low', '2020-01-04,2,4,1,0.5,10'], ['negative volume', '2020-01-04,2,4,1,3,-1'],
    ['zero price', '2020-01-04,0,2,0,1,10'], ['negative price', '2020-01-04,-2,2,-3,1,10'], ['1e400', '2020-01-04,1e400,2,0.5,1.5,10'],
    ['text volume', '2020-01-04,1,2,0.5,1.5,abc'], ['empty cell', '2020-01-04,,2,0.5,1.5,10'], ['duplicate date', '2020-01-03,1.5,2.5,1,2,10'],
    ['earlier date', '2020-01-01,1.5,2.5,1,2,10'], ['2300', '2300-01-01,1,2,0.5,1.5,10'], ['not a date', 'yesterday,1,2,0.5,1.5,10'],
    ['missing cells', '2020-01-04,1,2'], ['two dots', '2020-01-04,1.2.3,2,0.5,1.5,10'],
  ];
  for (const [label, row] of bad) {
    const f = csv(`bad-${label.replace(/\W+/g, '-')}.csv`, [...good, row]);
    await expectRefusal('inputs', `bars CSV: ${label}`, ['backtest', '--strategy', 'sma-cross', '--data', f], { code: 1, names: f });
  }
  const empty = csv('header-only.csv', []);
  await expectRefusal('inputs', 'header-only CSV', ['backtest', '--strategy', 'sma-cross', '--data', empty], { code: 1, names: empty });
  const zero = join(work, 'zero.csv');
  writeFileSync(zero, '');
  await expectRefusal('inputs', '0-byte CSV', ['backtest', '--strategy', 'sma-cross', '--data', zero], { code: 1, names: zero });
  for (const [label, bytes] of [['0-byte', Buffer.alloc(0)], ['garbage', Buffer.from('not arrow at all, not at all')], ['truncated', Buffer.from('ARROW1\0\0\xff\xff\xff\xff')]] as const) {
    const f = join(work, `${label}.arrow`);
    writeFileSync(f, bytes);
    await expectRefusal('inputs', `Arrow ${label}`, ['backtest', '--strategy', 'sma-cross', '--data', f], { code: 1, names: f });
  }
  const pq = join(work, 'zero-rows.parquet');
  const w = new ParquetStreamWriter(pq, { timestamp: 'timestamp', open: 'double', high: 'double', low: 'double', close: 'double', volume: 'double' });
  w.close();
  await expectRefusal('inputs', '0-row Parquet', ['backtest', '--strategy', 'sma-cross', '--data', pq], { code: 1, names: pq });
  const trunc = join(work, 'truncated.parquet');
  writeFileSync(trunc, readFileSync(longBars(5000)).subarray(0, 3000));
  await expectRefusal('inputs', 'truncated Parquet', ['backtest', '--strategy', 'sma-cross', '--data', trunc], { code: 1, names: trunc });
  await expectRefusal('inputs', '--from after --to', ['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--from', '2006-06-01', '--to', '2006-01-01']);
  await expectRefusal('inputs', 'window outside the data', ['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--from', '2010-01-01'], { code: 1 });
  await expectRefusal('inputs', 'unreadable --data', ['backtest', '--strategy', 'sma-cross', '--data', join(work, 'missing.csv')], { names: 'missing.csv' });
  await expectRefusal('inputs', 'uncreatable --out', ['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', '/proc/x/reports'], { code: 1, names: '/proc/x' });
}

// ---- fuzz ----------------------------------------------------------------------------------

const BAD_NUMBERS = ['NaN', 'Infinity', '-Infinity', '0xE10', '1e400', '', 'abc', '1.2.3', '--5', '-1', '0'];
const BAD_DATES = ['1969-12-31', '0000-01-01', '2300-01-01', 'not-a-date', ''];

/** The oracle: is a demo row (date,o,h,l,c,v,oi) bad? Grammar and rules written out here. */
function rowBad(cells: string[], prevDate: string): boolean {
  const [date, ...nums] = cells;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || date < '1970-01-01' || date >= '2200-01-01' || date <= prevDate) return true;
  if (nums.slice(0, 5).some((x) => !/^-?\d+(\.\d+)?$/.test(x))) return true;
  const [o, h, l, c, v] = nums.map(Number);
  return !(o > 0 && l > 0 && c > 0 && l <= o && o <= h && l <= c && c <= h && v >= 0);
}

async function fuzz(count: number): Promise<void> {
  const lines = readFileSync(DEMO, 'utf8').trim().split('\n');
  let seed = 1130;
  const rnd = () => { seed = (seed * 48271) % 2147483647; return seed / 2147483647; };
  const t = tally('fuzz');
  for (let k = 0; k < count; k++) {
    const rows = lines.slice(1).map((l) => l.split(','));
    const r = Math.floor(rnd() * rows.length);
    const field = Math.floor(rnd() * 6);
    const cells = rows[r];
    if (rnd() < 0.3) {
      // A good change: a volume, or a close moved inside the bar's range.
      if (field === 0 || field === 5) cells[5] = String(Math.floor(rnd() * 1e6));
      else cells[4] = (Number(cells[3]) + (Number(cells[2]) - Number(cells[3])) * Math.round(rnd() * 100) / 100).toFixed(2);
    } else cells[field] = field === 0 ? [...BAD_DATES, rows[Math.max(0, r - 1)][0]][Math.floor(rnd() * 6)] : BAD_NUMBERS[Math.floor(rnd() * BAD_NUMBERS.length)];
    const bad = rows.some((c, i) => rowBad(c, i === 0 ? '' : rows[i - 1][0]));
    const f = join(work, 'fuzz.csv');
    writeFileSync(f, `${[lines[0], ...rows.map((c) => c.join(','))].join('\n')}\n`);
    t.cases++;
    const o = await cli(['backtest', '--strategy', 'sma-cross', '--data', f, '--no-save', '--json']);
    const label = `#${k} row ${r + 2} field ${field} = ${JSON.stringify(cells[field === 0 ? 0 : field === 5 ? 5 : field])}`;
    if (crashed(o)) t.crashes.push(`${label}: ${o.err.split('\n')[0]}`);
    else if (bad && o.code === 0) t.silent.push(label);
    else if (!bad && o.code !== 0) t.wrong.push(`${label}: refused a good file: ${o.err.split('\n')[0]}`);
    else if (bad && !o.err.includes(`fuzz.csv:`)) t.wrong.push(`${label}: the error names no row: ${o.err.split('\n')[0]}`);
  }
}

// ---- argv ----------------------------------------------------------------------------------

async function argv(): Promise<void> {
  const b = ['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--no-save'];
  const o = ['optimize', '--strategy', 'sma-cross', '--data', DEMO, '--out', join(work, 'opt-argv')];
  const cases: string[][] = [
    ['frobnicate'], ['backtest', '--bogus'], ['backtest', '--strategy'], ['backtest', '--data', DEMO], ['backtest', '--strategy', 'nope', '--data', DEMO],
    [...b, '--param', 'period=abc'], [...b, '--param', 'bogus=1'], [...b, '--param', '__proto__=1'], [...b, '--param', 'period=-5'],
    [...b, '--cash', 'abc'], [...b, '--cash', '0x10'], [...b, '--cash', '-5'], [...b, '--cash', 'Infinity'], [...b, '--cash', '0'],
    [...b, '--commission-rate', '5'], [...b, '--commission-rate', '-0.1'], [...b, '--slippage-bps', 'NaN'], [...b, '--seed', '1.5'], [...b, '--seed', '-1'],
    [...b, '--fill-at', 'noon'], [...b, '--on-bad-row', 'ignore'], [...b, '--queue', 'fifo'], [...b, '--log-level', 'loud'], [...b, '--off-grid', 'snap'],
    [...b, '--venue', 'binance'], [...b, '--commission-rate', '0.001', '--taker-fee', '0.001'], [...b, '--slippage-bps', '1', '--slippage-ticks', '1'],
    [...b, '--max-volume-share', '2'], [...b, '--short-margin', '-1'], [...b, '--latency-entry', '-5'], [...b, '--from', 'someday'],
    [...o, '--grid', 'period=abc'], [...o, '--grid', 'bogus=1:3'], [...o, '--grid', 'period=-5:2'], [...o, '--grid', 'period=10-40'],
    [...o, '--grid', 'period=5:20:5', '--study', '../../x'], [...o, '--grid', 'period=5:20:5', '--workers', '0'], [...o, '--sampler', 'annealing'],
    [...o, '--sampler', 'random'], [...o, '--grid', 'period=5:20:5', '--objective', 'luck'], [...o, '--grid', 'period=5:20:0'],
    ['walkforward', '--strategy', 'sma-cross', '--data', DEMO, '--folds', '0'], ['walkforward', '--strategy', 'sma-cross', '--data', DEMO, '--folds', 'x'],
    ['venue', 'serve', '--port', '99999'], ['venue', 'serve', '--port', 'abc'], ['live', '--strategy', 'sma-cross'], ['live', '--strategy', 'sma-cross', '--venue', 'binance', '--mode', 'moon'],
    ['data', 'import'], ['data', 'import', '--format', 'xml', 'x.csv'], ['data', 'ls', '--min-gap', 'soon'], ['data', 'query'], ['data', 'frob'],
    ['report'], ['report', join(work, 'no-such-run')], ['export'], ['export', join(work, 'no-such-run'), '--format', 'xls'], ['config', 'show', '--strategy'],
    ['ml', 'train', '--bogus'], ['kill', 'no-such-session'], ['new', 'strategy'], ['new', 'strategy', '../escape'], ['init'], ['completion', 'zsh'],
  ];
  for (const c of cases) await expectRefusal('argv', c.join(' ').replaceAll(work, '…').replaceAll(ROOT, '.'), c);
  // Above the core count: a warning and a cap, not an error (results do not depend on workers).
  const t = tally('argv');
  t.cases++;
  const capped = await cli([...o, '--grid', 'period=5:10:5', '--workers', '10000']);
  if (capped.code !== 0 || !/workers/.test(capped.err)) t.wrong.push(`--workers 10000: exit ${capped.code}: ${capped.err.split('\n')[0]}`);
  rmSync(join(work, 'opt-argv'), { recursive: true, force: true });
}

// ---- kill -9 -------------------------------------------------------------------------------

function longBars(count: number): string {
  const f = join(work, `bars-${count}.parquet`);
  if (existsSync(f)) return f;
  writeSynthBarFile(f, { count, seed: 11, start: Date.UTC(2000, 0, 1) * 1000 });
  return f;
}

/** Starts the CLI as a process and kills it with SIGKILL after `ms` (or lets it finish). */
function runKilled(args: string[], ms: number): Promise<number | null> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('exit', (code) => { clearTimeout(timer); done(code); });
  });
}

async function kills(backtests: number, optimizations: number): Promise<void> {
  const t = tally('kill');
  const out = join(work, 'kill-reports');
  const bars = longBars(10_000_000);
  for (let k = 0; k < backtests; k++) {
    t.cases++;
    await runKilled(['backtest', '--strategy', 'ma-cross', '--data', bars, '--out', out], 1500 + 1200 * k);
  }
  // The next run starts by removing what dead processes left.
  await cli(['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', out, '--no-report']);
  const left = leftovers(out);
  if (left.length > 0) t.leftovers.push(`after ${backtests} killed 10M-bar backtests and one more run: ${left.join(', ')}`);
  const grid = ['--grid', 'period=5:60:1', '--data', DEMO, '--strategy', 'sma-cross'];
  const clean = await cli(['optimize', ...grid, '--study', 'whole', '--out', out, '--json']);
  const best = (JSON.parse(clean.out) as { best: { params: unknown } }).best.params;
  for (let k = 0; k < optimizations; k++) {
    t.cases++;
    const study = `killed-${k}`;
    await runKilled(['optimize', ...grid, '--study', study, '--out', out], 1200 + 500 * k);
    const resumed = await cli(['optimize', ...grid, '--study', study, '--out', out, '--json']);
    if (crashed(resumed) || resumed.code !== 0) t.crashes.push(`resume of ${study}: exit ${resumed.code}: ${resumed.err.split('\n')[0]}`);
    else {
      const r = JSON.parse(resumed.out) as { trials: unknown[]; best: { params: unknown } };
      if (r.trials.length !== 56 || JSON.stringify(r.best.params) !== JSON.stringify(best)) t.wrong.push(`${study}: ${r.trials.length} trials, best ${JSON.stringify(r.best.params)} (uninterrupted: 56, ${JSON.stringify(best)})`);
    }
  }
  const after = leftovers(out);
  if (after.length > 0) t.leftovers.push(`after the optimizations: ${after.join(', ')}`);
}

// ---- disk full -----------------------------------------------------------------------------

async function diskFull(): Promise<void> {
  const mnt = join(work, 'full');
  mkdirSync(mnt);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', mnt]).status !== 0) {
    console.log('disk-full: skipped (mounting a tmpfs needs root)');
    return;
  }
  try {
    const runs: Array<[string, string[]]> = [
      ['demo backtest', ['backtest', '--strategy', 'sma-cross', '--data', DEMO, '--out', join(mnt, 'a')]],
      ['200k-bar backtest spilling its series', ['backtest', '--strategy', 'ma-cross', '--data', longBars(200_000), '--out', join(mnt, 'b')]],
      ['optimization', ['optimize', '--strategy', 'sma-cross', '--data', DEMO, '--grid', 'period=5:400:1', '--out', join(mnt, 'c')]],
    ];
    const t = tally('disk-full');
    for (const [label, args] of runs) {
      t.cases++;
      const o = await cli(args);
      if (crashed(o)) t.crashes.push(`${label}: ${o.err.split('\n')[0]}`);
      else if (o.code === 0) t.silent.push(`${label}: exit 0 on a full disk`);
      else if (!/ENOSPC/.test(o.err)) t.wrong.push(`${label}: ${o.err.split('\n')[0]}`);
      const found = spawnSync('find', [mnt, '-name', '*.tmp-*'], { encoding: 'utf8' }).stdout.trim();
      if (found) t.leftovers.push(`${label}: ${found}`);
    }
  } finally {
    spawnSync('umount', [mnt]);
  }
}

// ---- main ----------------------------------------------------------------------------------

const only = process.argv.slice(2);
const want = (c: string) => only.length === 0 || only.includes(c);
try {
  if (want('inputs')) await inputs();
  if (want('fuzz')) await fuzz(600);
  if (want('argv')) await argv();
  if (want('kill')) await kills(7, 5);
  if (want('disk-full')) await diskFull();
} finally {
  rmSync(work, { recursive: true, force: true });
}
let failed = 0;
console.log('category     cases  crashes  silent  leftovers  wrong');
for (const [cat, t] of tallies) {
  console.log(`${cat.padEnd(12)} ${String(t.cases).padStart(5)} ${String(t.crashes.length).padStart(8)} ${String(t.silent.length).padStart(7)} ${String(t.leftovers.length).padStart(10)} ${String(t.wrong.length).padStart(6)}`);
  for (const [kind, list] of [['crash', t.crashes], ['silent', t.silent], ['leftover', t.leftovers], ['wrong', t.wrong]] as const) {
    for (const x of list.slice(0, 10)) console.log(`  ${kind}: ${x}`);
    failed += list.length;
  }
}
process.exit(failed > 0 ? 1 : 0);
