import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.ts';
import { asFileError } from '../core/files.ts';
import { LockstepError } from '../core/errors.ts';
import { didYouMean } from '../core/suggest.ts';

const HELP = `lockstep — event-driven backtesting with a live-mode switch

Usage: lockstep <command> [options]

Commands:
  backtest    run a strategy over bars or ticks/L2 and save the result (+ HTML report)
  report      write the HTML tearsheet of a saved run, or compare several
  optimize    search strategy parameters (grid, random, genetic, Optuna TPE/CMA-ES/NSGA-II)
  walkforward walk-forward analysis: optimize in sample, evaluate out of sample
  data        data tools: download (ccxt → catalog), import, query (SQL), ls, verify, resample, synth
  export      a run's tables as CSV (pandas-ready), Parquet or Arrow IPC
  init        scaffold a research project that depends on lockstep
  new         new strategy NAME: a strategy folder (params, README, test)
  list        strategies, runs, studies or sessions (saved under reports/)
  completion  bash: a completion script (source <(lockstep completion bash))
  live        run a strategy on a live market (paper or live mode)
  venue       venue serve: a loopback Binance-compatible exchange on 127.0.0.1
  kill        trip the kill switch of running paper/live sessions
  replay      replay a recorded session through the backtester: parity report
  ml          ML signals: feature/label datasets, training + ONNX export
  config      show a session config resolved, or print its JSON Schema
  help        show this text (or: lockstep <command> --help)

Environment:
  LOCKSTEP_API_KEY, LOCKSTEP_API_SECRET  live mode's exchange credentials (or --keys-file; never printed or saved)
  LOCKSTEP_LOOPBACK_KEYS                 venue serve: API keys as key:secret,key2:secret2
  LOCKSTEP_PYTHON                        the Python that runs Optuna samplers (default /usr/bin/python3)
  LOCKSTEP_DEBUG=1                       print the stack trace of internal errors
Progress (optimize, data download) is a redrawn bar on a terminal, plain lines otherwise.`;


type Command = (argv: string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>;

/** Each command's module is loaded when the command runs (a backtest loads no live, ML or optimizer code). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  backtest: async () => (await import('./backtest-command.ts')).backtestCommand,
  report: async () => (await import('./report-command.ts')).reportCommand,
  optimize: async () => (await import('./optimize-command.ts')).optimizeCommand,
  walkforward: async () => (await import('./walkforward-command.ts')).walkforwardCommand,
  data: async () => (await import('./data-command.ts')).dataCommand,
  export: async () => (await import('./export-command.ts')).exportCommand,
  init: async () => (await import('./init-command.ts')).initCommand,
  new: async () => (await import('./init-command.ts')).newCommand,
  list: async () => (await import('./list-command.ts')).listCommand,
  completion: async () => completionCommand,
  live: async () => (await import('./live-command.ts')).liveCommand,
  venue: async () => (await import('./venue-command.ts')).venueCommand,
  kill: async () => (await import('./kill-command.ts')).killCommand,
  replay: async () => (await import('./replay-command.ts')).replayCommand,
  ml: async () => (await import('./ml-command.ts')).mlCommand,
  config: async () => (await import('./config-command.ts')).configCommand,
};

/** Every command's help text (loads every command module: for `lockstep help` and the completion script). */
async function helps(): Promise<Record<string, string>> {
  const [bt, rp, op, wf, da, dl, q, ex, ini, li, co, lv, ve, ki, re, ml, cf] = await Promise.all([
    import('./backtest-command.ts'), import('./report-command.ts'), import('./optimize-command.ts'), import('./walkforward-command.ts'),
    import('./data-command.ts'), import('./data-download-command.ts'), import('./data-query-command.ts'), import('./export-command.ts'),
    import('./init-command.ts'), import('./list-command.ts'), import('./completion.ts'), import('./live-command.ts'), import('./venue-command.ts'),
    import('./kill-command.ts'), import('./replay-command.ts'), import('./ml-command.ts'), import('./config-command.ts'),
  ]);
  return {
    backtest: bt.BACKTEST_HELP, report: rp.REPORT_HELP, optimize: op.OPTIMIZE_HELP, walkforward: wf.WALKFORWARD_HELP, data: `${da.DATA_HELP}\n${dl.DOWNLOAD_HELP}\n${q.QUERY_HELP}`,
    export: ex.EXPORT_HELP, init: ini.INIT_HELP, new: ini.INIT_HELP, list: li.LIST_HELP, completion: co.COMPLETION_HELP, live: lv.LIVE_HELP, venue: ve.VENUE_HELP,
    kill: ki.KILL_HELP, replay: re.REPLAY_HELP, ml: ml.ML_HELP, config: cf.CONFIG_HELP,
  };
}

async function completionCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { bashCompletion, COMPLETION_HELP } = await import('./completion.ts');
  if (argv[0] !== 'bash' || argv.length !== 1) {
    out(COMPLETION_HELP);
    return argv.some((a) => a === '--help' || a === '-h') ? 0 : 2;
  }
  out(bashCompletion(await helps()));
  return 0;
}

/** This package's version (package.json). */
function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Exit codes by error kind (README, "Exit codes"); other user errors exit 1, internal errors 70. */
const EXIT_CODES: Record<string, number> = { usage: 2, strategy: 3, venue: 4 };

/** What a failed system call was doing, for the message. */
const SYSCALLS: Record<string, string> = { open: 'open', mkdir: 'create the folder', scandir: 'list the folder', write: 'write', rename: 'rename', stat: 'read', read: 'read', unlink: 'remove', rmdir: 'remove' };

/**
 * CLI entry: returns the exit code. User errors print one line on stderr and exit 1
 * (bad input), 2 (bad usage) or 3 (the strategy threw: its frames follow the line);
 * anything else is an internal error (exit 70) whose stack is printed only with
 * LOCKSTEP_DEBUG=1.
 */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  err: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    out(`lockstep ${version()}`);
    return 0;
  }
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const all = await helps();
    out(`${HELP}\n\n${Object.entries(all).filter(([name]) => name !== 'new' && name !== 'data').map(([, text]) => text).join('\n\n')}\n\n${all.data}`);
    return cmd === undefined ? 2 : 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    err(`lockstep: unknown command "${cmd}"${didYouMean(cmd, Object.keys(COMMANDS))}; commands: ${Object.keys(COMMANDS).join(', ')} (see lockstep help)`);
    return 2;
  }
  try {
    return await (await load())(rest, out, err);
  } catch (caught) {
    // An operating-system error that names a path (unreadable data, an uncreatable --out, disk full) is the user's to fix.
    const sys = caught as NodeJS.ErrnoException | null;
    const e = sys?.path !== undefined ? asFileError(caught, sys.path, SYSCALLS[sys.syscall ?? ''] ?? 'use') : caught;
    if (e instanceof LockstepError && e.code !== 'invariant') {
      err(`lockstep ${cmd}: ${e.message}`);
      return EXIT_CODES[e.code] ?? 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    err(`lockstep ${cmd}: internal error: ${msg}${process.env.LOCKSTEP_DEBUG ? `\n${(e as Error).stack}` : ' (set LOCKSTEP_DEBUG=1 for the stack trace)'}`);
    return 70;
  }
}
