import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseSessionConfig, sessionConfigJsonSchema } from '../config/session-config.ts';
import { enumFlag, isHelp, parseFlags, readConfigFile } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const CONFIG_HELP = `lockstep config show FILE [--mode backtest|paper|live]
lockstep config schema [--out FILE]

One session config serves lockstep backtest --config and lockstep live --config: its mode
picks the market (data files or the venue's streams) and where orders go; everything else
(strategy, params, fees, latency, queue, risk limits, onKill, offGrid, emulate) is the same.
show: validates FILE and prints it resolved (every default filled in) for the mode —
  what a run of it would use. (lockstep backtest|live ... --show-config does the same with flags.)
schema: the JSON Schema of the file (from the zod schema), for editor completion
  ("$schema": "./lockstep-config.schema.json" in the file, or your editor's JSON settings).`;

/** `lockstep config show|schema`. */
export async function configCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || isHelp(sub) || rest.some(isHelp)) {
    out(CONFIG_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'schema') {
    const { values } = parseFlags(rest, { out: { type: 'string' } }, 'config schema');
    const text = `${JSON.stringify(sessionConfigJsonSchema(), null, 2)}\n`;
    if (values.out) {
      await writeFile(resolve(values.out), text);
      out(`JSON Schema → ${resolve(values.out)}`);
    } else out(text.trimEnd());
    return 0;
  }
  if (sub !== 'show') throw new UsageError(`config: unknown subcommand "${sub}" (show or schema; see lockstep config --help)`);
  const { values, positionals } = parseFlags(rest, { mode: { type: 'string' } }, 'config show');
  if (positionals.length !== 1) throw new UsageError('config show: give one config file (lockstep config show FILE [--mode M])');
  const file = await readConfigFile(positionals[0]);
  const mode = enumFlag(values.mode, ['backtest', 'paper', 'live'], 'mode');
  out(showConfig(mode ? { ...file, mode } : file));
  return 0;
}

/** A config resolved (defaults filled in, validated) as the JSON a run records. */
export function showConfig(input: Record<string, unknown>): string {
  return JSON.stringify(parseSessionConfig(input), null, 2);
}
