import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadStrategy, STRATEGIES_DIR } from '../engine/load-strategy.ts';
import { runningSessions } from '../live/session-lock.ts';
import { didYouMean } from '../core/suggest.ts';
import { isHelp, parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';
import { textTable } from './text-table.ts';

export const LIST_HELP = `lockstep list strategies|runs|studies|sessions [--reports DIR] [--json]

strategies: every strategy --strategy NAME finds (the project's strategies/ first, then the
bundled ones) with its description and parameters. runs: saved backtests under DIR (default
reports) — id, strategy, final value, fills. studies: optimization studies (trials.jsonl) —
strategy, sampler, trials stored, best objective. sessions: recorded paper/live sessions —
mode, strategy, events, equity, and whether each is running (a live lock file), ended or
crashed (no summary: replay it with lockstep replay).`;

const KINDS = ['strategies', 'runs', 'studies', 'sessions'] as const;

const folders = (dir: string) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : []);
const json = (file: string): Record<string, unknown> | null => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Strategy names with where they come from (project folders shadow bundled ones). */
export function strategyNames(): { name: string; dir: string }[] {
  const seen = new Map<string, string>();
  for (const dir of [resolve('strategies'), STRATEGIES_DIR]) {
    for (const name of folders(dir)) if (!seen.has(name) && (existsSync(join(dir, name, 'index.ts')) || existsSync(join(dir, name, 'index.js')))) seen.set(name, dir);
  }
  return [...seen].map(([name, dir]) => ({ name, dir }));
}

async function strategies(): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const { name, dir } of strategyNames()) {
    const def = await loadStrategy(join(dir, name));
    out.push({ name, description: def.description ?? '', params: clip(Object.keys(def.params.shape).join(', '), 60), from: dir === STRATEGIES_DIR ? 'bundled' : 'project' });
  }
  return out;
}

function runs(root: string): Record<string, unknown>[] {
  return folders(root).flatMap((id) => {
    const r = json(join(root, id, 'result.json'));
    if (!r) return [];
    const counts = r.counts as { fills?: number } | undefined;
    return [{ id, strategy: (r.strategy as { name?: string } | undefined)?.name ?? '', finalValue: Number(r.finalValue), fills: counts?.fills ?? 0, events: r.events }];
  });
}

function studies(root: string): Record<string, unknown>[] {
  return folders(root).flatMap((name) => {
    const file = join(root, name, 'trials.jsonl');
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const head = (() => { try { return (JSON.parse(lines[0]) as { study?: Record<string, unknown> }).study ?? {}; } catch { return {}; } })();
    const trials = lines.slice(1).flatMap((l) => { try { return [JSON.parse(l) as { state?: string; values?: number[] }]; } catch { return []; } });
    const objective = (head.objectives as { name: string; direction: string }[] | undefined)?.[0];
    const done = trials.filter((t) => t.state === 'complete' && t.values?.length);
    const best = done.length === 0 ? null : done.map((t) => t.values![0]).reduce((a, b) => (objective?.direction === 'minimize' ? Math.min(a, b) : Math.max(a, b)));
    return [{ study: name, strategy: head.strategy ?? '', sampler: head.sampler ?? '', trials: trials.length, failed: trials.filter((t) => t.state === 'fail').length, objective: objective?.name ?? '', best }];
  });
}

function sessions(root: string): Record<string, unknown>[] {
  const running = new Set(runningSessions(root, () => {}).map((s) => s.sessionId));
  return folders(root).flatMap((id) => {
    const s = json(join(root, id, 'session.json'));
    if (!s) return [];
    const summary = json(join(root, id, 'summary.json'));
    const state = running.has(id) ? 'running' : summary ? 'ended' : 'crashed';
    return [{ session: id, mode: s.mode ?? '', strategy: s.strategy ?? '', symbol: s.symbol ?? '', state, events: summary?.events ?? null, equity: summary?.equity ?? null }];
  });
}

export async function listCommand(argv: string[], out: (s: string) => void): Promise<number> {
  if (argv.some(isHelp)) {
    out(LIST_HELP);
    return 0;
  }
  const { values, positionals } = parseFlags(argv, { reports: { type: 'string' }, json: { type: 'boolean' } }, 'list');
  const kind = positionals[0];
  if (!kind || !(KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`list: ${kind ? `"${kind}" is not one of` : 'say what to list:'} ${KINDS.join(', ')}${kind ? didYouMean(kind, KINDS) : ''}`);
  }
  const root = resolve(values.reports ?? 'reports');
  const rows = kind === 'strategies' ? await strategies() : kind === 'runs' ? runs(root) : kind === 'studies' ? studies(root) : sessions(root);
  if (values.json) out(JSON.stringify(rows));
  else if (rows.length === 0) out(`no ${kind} found${kind === 'strategies' ? '' : ` under ${root}`}`);
  else out(textTable(rows));
  return 0;
}
