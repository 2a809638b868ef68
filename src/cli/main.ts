import { readFileSync } from 'node:fs';
import { asFileError } from '../core/files.ts';
import { LockstepError } from '../core/errors.ts';
import { BACKTEST_HELP, backtestCommand } from './backtest-command.ts';
import { REPORT_HELP, reportCommand } from './report-command.ts';
import { DATA_HELP, dataCommand } from './data-command.ts';
import { EXPORT_HELP, exportCommand } from './export-command.ts';
import { INIT_HELP, initCommand, newCommand } from './init-command.ts';
import { LIST_HELP, listCommand } from './list-command.ts';
import { bashCompletion, COMPLETION_HELP } from './completion.ts';
import { DOWNLOAD_HELP } from './data-download-command.ts';
import { QUERY_HELP } from './data-query-command.ts';
import { didYouMean } from '../core/suggest.ts';
import { LIVE_HELP, liveCommand } from './live-command.ts';
import { VENUE_HELP, venueCommand } from './venue-command.ts';
import { KILL_HELP, killCommand } from './kill-command.ts';
import { REPLAY_HELP, replayCommand } from './replay-command.ts';
import { OPTIMIZE_HELP, optimizeCommand } from './optimize-command.ts';
import { WALKFORWARD_HELP, walkforwardCommand } from './walkforward-command.ts';
import { ML_HELP, mlCommand } from './ml-command.ts';
import { CONFIG_HELP, configCommand } from './config-command.ts';

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

${BACKTEST_HELP}

${REPORT_HELP}

${OPTIMIZE_HELP}

${WALKFORWARD_HELP}

${DATA_HELP}

${EXPORT_HELP}

${INIT_HELP}

${LIST_HELP}

${COMPLETION_HELP}

${LIVE_HELP}

${VENUE_HELP}

${KILL_HELP}

${REPLAY_HELP}

${ML_HELP}

${CONFIG_HELP}

Environment:
  LOCKSTEP_API_KEY, LOCKSTEP_API_SECRET  live mode's exchange credentials (or --keys-file; never printed or saved)
  LOCKSTEP_LOOPBACK_KEYS                 venue serve: API keys as key:secret,key2:secret2
  LOCKSTEP_PYTHON                        the Python that runs Optuna samplers (default /usr/bin/python3)
  LOCKSTEP_DEBUG=1                       print the stack trace of internal errors
Progress (optimize, data download) is a redrawn bar on a terminal, plain lines otherwise.`;

type Command = (argv: string[], out: (s: string) => void, err: (s: string) => void) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  backtest: backtestCommand,
  report: reportCommand,
  optimize: optimizeCommand,
  walkforward: walkforwardCommand,
  data: dataCommand,
  export: exportCommand,
  init: initCommand,
  new: newCommand,
  list: listCommand,
  completion: completionCommand,
  live: liveCommand,
  venue: venueCommand,
  kill: killCommand,
  replay: replayCommand,
  ml: mlCommand,
  config: (argv, out) => configCommand(argv, out),
};

/** Help text of every command, for the completion script's flags. */
const HELPS: Record<string, string> = {
  backtest: BACKTEST_HELP, report: REPORT_HELP, optimize: OPTIMIZE_HELP, walkforward: WALKFORWARD_HELP, data: `${DATA_HELP}\n${DOWNLOAD_HELP}\n${QUERY_HELP}`,
  export: EXPORT_HELP, init: INIT_HELP, new: INIT_HELP, list: LIST_HELP, completion: COMPLETION_HELP, live: LIVE_HELP, venue: VENUE_HELP, kill: KILL_HELP,
  replay: REPLAY_HELP, ml: ML_HELP, config: CONFIG_HELP,
};

async function completionCommand(argv: string[], out: (s: string) => void): Promise<number> {
  if (argv[0] !== 'bash' || argv.length !== 1) {
    out(COMPLETION_HELP);
    return argv.some((a) => a === '--help' || a === '-h') ? 0 : 2;
  }
  out(bashCompletion(HELPS));
  return 0;
}

/** This package's version (package.json). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
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
    out(HELP);
    return cmd === undefined ? 2 : 0;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    err(`lockstep: unknown command "${cmd}"${didYouMean(cmd, Object.keys(COMMANDS))}; commands: ${Object.keys(COMMANDS).join(', ')} (see lockstep help)`);
    return 2;
  }
  try {
    return await run(rest, out, err);
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
