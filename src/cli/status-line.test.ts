import { describe, expect, it } from 'vitest';
import { dailyBars, scripted } from '../../test/bars.ts';
import type { Engine } from '../engine/engine.ts';
import { runBacktest } from '../session/run-backtest.ts';
import { StatusLine, statusText } from './status-line.ts';

/** Buys 10 at day 1's open (100) and rests a bid at 90; the last close is 103: P&L +30, one open order. */
async function engineAfterRun(): Promise<Engine> {
  let engine!: Engine;
  await runBacktest(
    { strategy: 'scripted', data: [{ file: 'memory', instrument: { symbol: 'T', tickSize: 0.01 } }], cash: 10_000 },
    {
      strategy: scripted((i, _b, ctx) => { if (i === 0) { ctx.buy(10); ctx.buy(1, { type: 'limit', price: 90 }); } }),
      feeds: [[dailyBars([[100, 101, 99, 100, 1e6], [100, 101, 99, 100, 1e6], [102, 104, 101, 103, 1e6]])]],
      onEngine: (e) => { engine = e; },
    },
  );
  return engine;
}

describe('the live status line', () => {
  it('shows uptime, events/s, position, open orders, P&L, tick-to-trade, feed lag and the risk state', async () => {
    const engine = await engineAfterRun();
    const line = statusText(engine, { uptimeSeconds: 12.4, events: 5000, feedLagMillis: 3, lastTickToTradeMicros: 85.2 }, 410);
    expect(line).toBe('up 12 s, 410 ev/s, position 10, open orders 1, fills 1, P&L +30.00 (fees 0.00), tick-to-trade 85 µs, feed lag 3 ms, risk active');
    engine.kill('test');
    expect(statusText(engine, null, 0)).toMatch(/^position 10, .* risk KILLED \(test; left open: T.SIM 10\)$/); // no feed figures in a backtest
  });

  it('off a terminal it prints a line every N seconds; log lines go through unchanged', async () => {
    const engine = await engineAfterRun();
    const lines: string[] = [];
    const s = new StatusLine(0.05, (x) => lines.push(x), false);
    s.print('a log line');
    s.follow(engine, () => ({ uptimeSeconds: 1, events: 10, feedLagMillis: 1, lastTickToTradeMicros: Number.NaN }));
    await new Promise((r) => setTimeout(r, 180));
    s.stop();
    expect(lines[0]).toBe('a log line');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines.slice(1)) expect(l).toMatch(/^status: up 1 s, \d+ ev\/s, position 10, .*tick-to-trade -, feed lag 1 ms, risk active$/);
    const n = lines.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(lines.length).toBe(n); // stopped
  });
});
