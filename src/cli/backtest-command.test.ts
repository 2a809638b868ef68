import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/package-root.ts';
import { tempDir } from '../../test/tmp.ts';
import { backtestConfigFromFlags, oneShortReplay } from './backtest-command.ts';

const tmp = tempDir();
const DEMO = join(packageRoot(), 'data/sample/2006-day-001.csv'); // 12,030 bytes: about 301 rows at 40 bytes a row

async function flags(...extra: string[]) {
  return (await backtestConfigFromFlags(['--strategy', 'ma-cross', ...extra]))!;
}

describe('oneShortReplay (which runs keep V8\'s default inlining budget)', () => {
  it('is true for one replay of fewer rows than the limit, summed over the feeds', async () => {
    expect(await oneShortReplay(await flags('--data', DEMO))).toBe(true); // the default limit: 1M events
    expect(await oneShortReplay(await flags('--data', DEMO), 302)).toBe(true);
    expect(await oneShortReplay(await flags('--data', DEMO), 301)).toBe(false);
    expect(await oneShortReplay(await flags('--data', DEMO, '--data', DEMO), 603)).toBe(true);
    expect(await oneShortReplay(await flags('--data', DEMO, '--data', DEMO), 602)).toBe(false);
  });

  it('is false with --stress (it replays again) and for data it cannot estimate (a tick folder)', async () => {
    expect(await oneShortReplay(await flags('--data', DEMO, '--stress'))).toBe(false);
    expect(await oneShortReplay(await flags('--data', tmp.dir))).toBe(false);
  });
});
