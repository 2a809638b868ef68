import { UsageError } from './usage-error.ts';

/** Flags of optimize/walkforward that are not backtest flags: name → takes a value. */
export const STUDY_FLAGS: Readonly<Record<string, boolean>> = {
  grid: true, sampler: true, trials: true, objective: true, workers: true, storage: true, study: true, batch: true,
  prune: false, 'min-trades': true, 'max-drawdown': true, json: false, out: true, 'no-report': false, train: true, test: true,
  anchored: false, help: false, 'trial-timeout': true,
};

/**
 * Splits argv into study flags (collected, `--grid` repeatable) and the rest, which are
 * backtest flags. `--seed` is kept in the rest and also read here.
 */
export function splitStudyArgs(argv: readonly string[], command: string): { study: Record<string, string | string[] | boolean>; rest: string[] } {
  const study: Record<string, string | string[] | boolean> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (a === '-h') { study.help = true; continue; }
    if (!m || !(m[1] in STUDY_FLAGS)) {
      rest.push(a);
      continue;
    }
    const name = m[1];
    let value: string | boolean = true;
    if (STUDY_FLAGS[name]) {
      value = m[2] ?? argv[++i];
      if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`${command}: --${name} needs a value (see lockstep ${command} --help)`);
    }
    if (name === 'grid') study.grid = [...((study.grid as string[] | undefined) ?? []), value as string];
    else study[name] = value;
  }
  return { study, rest };
}

/** A positive integer flag. */
export function intFlag(v: string | string[] | boolean | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} expects a positive integer, got "${String(v)}"`);
  return n;
}
