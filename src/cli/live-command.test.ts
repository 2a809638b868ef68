import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { main } from './main.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = tempDir();

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => { out += `${s}\n`; }, (s) => { err += `${s}\n`; });
  return { code, out, err };
}

describe('lockstep venue serve + lockstep live --mode paper', () => {
  it('a paper session of the backtested grid-mm against the loopback exchange replaying synthetic data', async () => {
    const data = join(tmp.dir, 'l2');
    expect((await cli('data', 'synth', '--events', '300000', '--seed', '5', '--out', data)).code).toBe(0);
    const server = spawn(process.execPath, [join(ROOT, 'bin/lockstep.js'), 'venue', 'serve', '--data', data, '--speed', '20'], {
      cwd: ROOT, env: { ...process.env, LOCKSTEP_LOOPBACK_KEYS: 'k1:s1' },
    });
    try {
      const url = await new Promise<string>((res, rej) => {
        let buf = '';
        server.stdout.on('data', (c) => { buf += c; const m = /listening on (\S+)/.exec(buf); if (m) res(m[1]); });
        server.on('exit', (code) => rej(new Error(`venue exited ${code}`)));
        setTimeout(() => rej(new Error('venue did not start')), 20_000);
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await cli('live', '--strategy', 'grid-mm', '--symbol', 'BTC/USDT', '--mode', 'paper', '--url', url, '--max-seconds', '4',
        '--param', 'size=0.01', '--param', 'maxPosition=0.1', '--json');
      expect(r.err).toBe('');
      const j = JSON.parse(r.out);
      expect(j.mode).toBe('paper');
      expect(j.events).toBeGreaterThan(100);
      expect(j.orders).toBeGreaterThan(0);
      expect(j.strategy.name).toBe('grid-mm');
    } finally {
      server.kill('SIGTERM');
    }
  }, 90_000);

  it('--mode live is refused with one line until order routing exists', async () => {
    const r = await cli('live', '--strategy', 'grid-mm', '--symbol', 'BTC/USDT', '--mode', 'live');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/not available yet/);
  });
});
