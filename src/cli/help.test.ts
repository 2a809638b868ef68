import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';

/** Every command and sub-command answers --help (and -h) with its usage, exit 0; --version prints package.json's version. */
const COMMANDS: Array<[string[], RegExp]> = [
  [['backtest'], /^lockstep backtest --strategy S --data FILE/],
  [['report'], /^lockstep report RUN_DIR/],
  [['optimize'], /^lockstep optimize --strategy S --data FILE/],
  [['walkforward'], /^lockstep walkforward --strategy S --data FILE/],
  [['live'], /^lockstep live --mode paper\|live/],
  [['kill'], /^lockstep kill \[SESSION\]/],
  [['replay'], /^lockstep replay SESSION_DIR/],
  [['config'], /^lockstep config show FILE/],
  [['config', 'show'], /^lockstep config show FILE/],
  [['config', 'schema'], /^lockstep config show FILE/],
  [['data'], /^lockstep data import/],
  [['data', 'import'], /^lockstep data import/],
  [['data', 'ls'], /lockstep data ls/],
  [['data', 'resample'], /lockstep data resample/],
  [['data', 'synth'], /lockstep data synth/],
  [['data', 'download'], /^lockstep data download --venue V --symbol S --kind/],
  [['data', 'query'], /^lockstep data query/],
  [['data', 'verify'], /lockstep data verify/],
  [['export'], /^lockstep export RUN_DIR/],
  [['init'], /^lockstep init DIR/],
  [['list'], /^lockstep list strategies\|runs\|studies\|sessions/],
  [['completion'], /^lockstep completion bash/],
  [['new'], /lockstep new strategy NAME/],
  [['venue', 'serve'], /^lockstep venue serve \[--data DIR\]/],
  [['ml', 'dataset'], /lockstep ml dataset/],
  [['ml', 'train'], /lockstep ml train/],
];

describe('--help everywhere', () => {
  it.each(COMMANDS)('%s --help', async (cmd, usage) => {
    for (const flag of ['--help', '-h']) {
      const r = await cli(...cmd, flag);
      expect(r.code, `${cmd.join(' ')} ${flag}: ${r.err}`).toBe(0);
      expect(r.out).toMatch(usage);
      expect(r.err).toBe('');
    }
  });

  it('--version', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect((await cli(flag)).out.trim()).toBe(`lockstep ${pkg.version}`);
  });
});
