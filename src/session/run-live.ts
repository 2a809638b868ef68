import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../backtest/run-result.ts';
import { parseSessionConfig, type SessionConfig, type SessionConfigInput } from '../config/session-config.ts';
import { ConfigError } from '../core/errors.ts';
import { loadStrategy, parseStrategyParams } from '../engine/load-strategy.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import type { CcxtExecutionOptions } from '../live/ccxt-execution.ts';
import { connectExchange, sessionInstrument, type ConnectedExchange, type Credentials } from '../live/connect-exchange.ts';
import { liveParts, sessionFolder, type LiveStats } from '../live/live-parts.ts';
import { runSession, sessionLog, type SessionHooks } from './run-session.ts';
import { makeDir } from '../core/files.ts';

export interface RunLiveOptions extends SessionHooks {
  /** A preloaded strategy definition (skips module loading). */
  strategy?: StrategyDefinition;
  /** An exchange already connected (notebooks, tests); default: made from the config's venue. */
  exchange?: ConnectedExchange;
  /** Live mode API credentials (from the environment or a keys file; never logged). */
  credentials?: Credentials;
  /** Signals that trip the kill switch (default SIGINT, SIGTERM). */
  killSignals?: readonly NodeJS.Signals[];
  /** Live order routing tuning (tests poll faster). */
  execution?: CcxtExecutionOptions;
}

/** A paper/live session's result: the result every mode has, plus what the session measured. */
export type LiveResult = RunResult & { readonly live: LiveStats };

/**
 * A paper or live session through the one session builder: the exchange connected (or
 * given), the instrument taken from its market info, the strategy run on its streams.
 */
export async function runLive(input: SessionConfigInput, o: RunLiveOptions = {}): Promise<LiveResult> {
  const given = parseSessionConfig(input);
  // Resolved here so the recording stores what ran: no commission given means the venue's own maker/taker fees.
  const cfg = given.commission.type === 'none' ? parseSessionConfig({ ...given, commission: { type: 'instrument' } }) : given;
  if (cfg.mode === 'backtest') throw new ConfigError('runLive runs paper and live sessions: set mode to paper or live');
  const live = cfg.mode === 'live';
  if (live && !o.credentials && !o.exchange) throw new ConfigError('live mode needs API credentials (LOCKSTEP_API_KEY / LOCKSTEP_API_SECRET or --keys-file)');
  const exchange = o.exchange ?? (await connectExchange(cfg.venue!, live, o.credentials));
  let closeExchange = true;
  try {
    const instrument = sessionInstrument(exchange, cfg.venue!);
    const def = o.strategy ?? (await loadStrategy(cfg.strategy));
    const params = parseStrategyParams(def, cfg.params);
    const record = sessionFolder(cfg);
    const logFile = record ? await openLogFile(record) : null;
    const log = sessionLog(cfg, { ...o, onLog: (r) => { logFile?.write(`${JSON.stringify(r)}\n`); o.onLog?.(r); } });
    const reconciling = live ? await import('../live/ccxt-reconcile.ts') : null;
    const routing = live ? {
      CcxtExecution: (await import('../live/ccxt-execution.ts')).CcxtExecution,
      reconcile: reconciling!.reconcileFromExchange,
      positionGap: reconciling!.positionGap,
    } : undefined;
    const { classifyCcxtError } = await import('../live/ccxt-errors.ts');
    const parts = liveParts(cfg, {
      exchange, instrument, record, isNetworkError: (e) => classifyCcxtError(e) === 'unknown', ...(routing ? { live: routing } : {}),
      ...(o.killSignals ? { killSignals: o.killSignals } : {}), ...(o.execution ? { execution: o.execution } : {}),
    }, log.logger);
    closeExchange = false; // the parts close it
    try {
      const result = await runSession(cfg, def, params, parts, log, o);
      return { ...result, live: parts.stats() };
    } finally {
      await new Promise((r) => (logFile ? logFile.end(r) : r(null)));
    }
  } finally {
    if (closeExchange) await exchange.close();
  }
}

/** The session's log lines as they are written (logs.jsonl in its folder: nothing is lost to the in-memory cap). */
async function openLogFile(folder: string): Promise<WriteStream> {
  await makeDir(folder);
  return createWriteStream(join(folder, 'logs.jsonl'), { flags: 'a' });
}
