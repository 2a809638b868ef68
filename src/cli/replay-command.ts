import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { replaySession } from '../session/replay-session.ts';
import { toJson } from '../backtest/write-result.ts';
import { parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const REPLAY_HELP = `lockstep replay SESSION_DIR [--json]

Replays a recorded paper/live session (reports/<mode>-<time>/) through the backtester with
the same strategy, params, fees, latency and queue model, and prints a parity report:
every decision (order) that differs between the session and the replay, attributed to
signal, fill, fee or latency.`;

export async function replayCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'replay');
  if (values.help) {
    out(REPLAY_HELP);
    return 0;
  }
  const dir = positionals[0] ? resolve(positionals[0]) : '';
  if (!dir || !existsSync(join(dir, 'session.json')) || !existsSync(join(dir, 'summary.json'))) {
    throw new UsageError('replay: give a finished session folder (with session.json and summary.json), e.g. reports/paper-…');
  }
  const report = await replaySession(dir);
  if (values.json) {
    out(toJson(report));
    return 0;
  }
  const byCause = (c: string) => report.differences.filter((d) => d.cause === c).length;
  out([
    `parity of ${dir} (${report.mode} session, ${report.events} events replayed)`,
    `orders: ${report.liveOrders} in the session, ${report.replayOrders} in the replay, ${report.matchedOrders} identical decisions`,
    `differences: ${report.differences.length} (signal ${byCause('signal')}, fill ${byCause('fill')}, fee ${byCause('fee')}, latency ${byCause('latency')}, unexplained ${report.unexplained})`,
    ...report.differences.slice(0, 20).map((d) => `  #${d.index} ${d.cause}: ${d.detail}`),
  ].join('\n'));
  return 0;
}
