import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';

const tmp = tempDir();
const DATA = 'data/sample/2006-day-001.csv';

describe('lockstep list', () => {
  it('runs and studies under --reports, with what each result file says', async () => {
    const reports = join(tmp.dir, 'reports');
    const bt = JSON.parse((await cli('backtest', '--strategy', 'sma-cross', '--data', DATA, '--out', reports, '--json')).out);
    await cli('optimize', '--strategy', 'sma-cross', '--data', DATA, '--grid', 'period=10:20:5', '--out', reports, '--study', 'periods', '--json');
    const runs = JSON.parse((await cli('list', 'runs', '--reports', reports, '--json')).out);
    expect(runs).toEqual([{ id: bt.id, strategy: 'sma-cross', finalValue: bt.finalValue, fills: bt.fills.length, events: 255 }]);
    const studies = JSON.parse((await cli('list', 'studies', '--reports', reports, '--json')).out);
    expect(studies).toEqual([expect.objectContaining({ study: 'periods', strategy: 'sma-cross', trials: 3, failed: 0, objective: 'sharpe' })]);
    expect(typeof studies[0].best).toBe('number');
    const sessions = await cli('list', 'sessions', '--reports', reports);
    expect(sessions.out).toMatch(/no sessions found/);
  });

  it('strategies: the bundled ones with their parameters; a project folder\'s own first', async () => {
    const s = JSON.parse((await cli('list', 'strategies', '--json')).out) as { name: string; params: string; from: string }[];
    expect(s.find((x) => x.name === 'sma-cross')).toMatchObject({ params: 'period, size', from: 'bundled' });
    expect(s.length).toBeGreaterThanOrEqual(9);
  });

  it('a typo gets a suggestion, exit 2: commands, sub-commands, flags, strategies, list kinds', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['backtset'], /unknown command "backtset" \(did you mean backtest\?\)/],
      [['data', 'dowload'], /unknown subcommand "dowload" \(did you mean download\?\)/],
      [['backtest', '--strtegy', 'sma-cross'], /unknown option --strtegy \(did you mean --strategy\?\)/],
      [['backtest', '--strategy', 'sma-crss', '--data', DATA], /strategy "sma-crss" not found \(did you mean sma-cross\?\)/],
      [['list', 'run'], /"run" is not one of strategies, runs, studies, sessions \(did you mean runs\?\)/],
    ];
    for (const [argv, want] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(want);
    }
  });
});

describe('lockstep completion bash', () => {
  it('is a valid bash script that completes commands, sub-commands, flags and strategy names', async () => {
    const script = (await cli('completion', 'bash')).out;
    const file = tmp.file('lockstep-completion.bash', script);
    execFileSync('bash', ['-n', file]); // syntax
    const complete = (line: string) => execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _lockstep; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim().split(/\s+/);
    expect(complete('lockstep back')).toEqual(['backtest']);
    expect(complete('lockstep data dow')).toEqual(['download']);
    expect(complete('lockstep backtest --strat')).toEqual(['--strategy']);
    expect(complete('lockstep backtest --strategy sma')).toEqual(['sma-cross']);
    expect(complete('lockstep data download --fl')).toEqual(['--flush-rows']);
  });
});
