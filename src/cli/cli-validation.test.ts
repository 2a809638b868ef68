import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';

/** Every usage error exits 2 with one line naming the flag and the fix; nothing runs. */
const ROOT = resolve(import.meta.dirname, '../..');
const DEMO = join(ROOT, 'data/sample/2006-day-001.csv');
const tmp = tempDir();
const backtest = (...a: string[]) => cli('backtest', '--strategy', 'sma-cross', '--data', DEMO, '--no-save', ...a);
const optimize = (...a: string[]) => cli('optimize', '--strategy', 'sma-cross', '--data', DEMO, '--no-report', '--out', join(tmp.dir, 'opt'), ...a);

describe('usage errors: exit 2, one line, nothing run', () => {
  it.each([
    ['an unknown strategy', ['--strategy', 'nosuch'], /strategy "nosuch" not found/],
    ['a negative cash, written as a separate value', ['--cash', '-5'], /invalid session config: cash: Too small: expected number to be >=0/],
    ['a commission rate of 200%', ['--commission-rate', '2'], /commission\.rate: a rate is a fraction of the trade value \(0\.001 = 0\.1%\)/],
    ['a parameter of the wrong kind', ['--param', 'period=abc'], /invalid params for strategy sma-cross: period/],
    ['an unknown enum value', ['--queue', 'foo'], /--queue must be one of risk-averse, probabilistic; got "foo"/],
    ['from after to', ['--from', '2006-06-01', '--to', '2006-05-01'], /from 2006-06-01 is after to 2006-05-01/],
    // An object's own machinery as a key: the value used to vanish (out.__proto__ = v) and the run went on.
    ['__proto__ as a parameter name', ['--param', '__proto__={"period":3}'], /--param __proto__: "__proto__" cannot be a parameter name/],
    ['--venue with --data (the venue used to be ignored)', ['--venue', 'binance', '--symbol', 'X'], /--venue \(with --symbol\) selects catalog data and --data names files: pass one of them/],
  ])('backtest: %s', async (_n, args, want) => {
    const r = await backtest(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(want);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('conflicting flags are refused, not one of them ignored', async () => {
    const r = await cli('backtest', '--strategy', 'sma-cross', '--data', DEMO, '--no-save', '--out', join(tmp.dir, 'x'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--no-save and --out together: nothing is saved/);
    expect(existsSync(join(tmp.dir, 'x'))).toBe(false);
  });

  it.each([
    ['a grid value that looks like a range', ['--grid', 'period=10-40'], /--grid period=10-40: period: .*"10-40" looks like a range: write period=10:40/],
    ['a misspelled parameter', ['--grid', 'perod=10:40:10'], /--grid perod: strategy sma-cross has no parameter perod \(its parameters: period, size\)/],
    ['a range end the strategy refuses', ['--grid', 'period=0:40:10'], /--grid period=0: period: /],
    ['a fractional worker count', ['--grid', 'period=10:20:10', '--workers', '1.5'], /--workers expects a positive integer, got "1\.5"/],
  ])('optimize: %s', async (_n, args, want) => {
    const r = await optimize(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(want);
    expect(existsSync(join(tmp.dir, 'opt'))).toBe(false); // no trial ran, no study folder
  });

  it('a study name is a folder name under --out, never a path out of it', async () => {
    const r = await optimize('--grid', 'period=10:20:10', '--study', '../escaped');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--study "\.\.\/escaped" must be a plain name/);
    expect(readdirSync(tmp.dir)).not.toContain('escaped');
  });

  it('--workers above the core count is capped with a warning (results do not depend on workers)', async () => {
    const r = await optimize('--grid', 'period=10:20:10', '--workers', String(availableParallelism() + 62), '--json');
    expect(r.code).toBe(0);
    expect(r.err).toContain(`--workers ${availableParallelism() + 62} is more than the ${availableParallelism()} cores here; using ${availableParallelism()}`);
    expect(JSON.parse(r.out).workers).toBe(availableParallelism());
  }, 60_000);

  it('ports and URLs', async () => {
    const p = await cli('venue', 'serve', '--data', tmp.dir, '--port', '99999');
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/--port expects a port number 0–65535/);
    const u = await cli('live', '--venue', 'binance', '--symbol', 'BTC/USDT', '--mode', 'paper', '--url', 'not a url', '--strategy', 'grid-mm');
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/venue\.url: Invalid URL/);
  });
});
