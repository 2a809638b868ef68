import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';
import { FaultProxy } from '../../test/fault-proxy.ts';
import { pointCcxtAt } from '../live/ccxt-base-url.ts';
import { startLoopbackVenue } from '../live/loopback/start-venue.ts';
import { otherAssetFees } from './live-command.ts';

/** A secret long and distinctive enough that finding it in a recorded file is never chance ("s1" was, in binary Parquet). */
const SECRET = 'secret-7f3a9c41e2b85d06';
const ROOT = resolve(import.meta.dirname, '../..');
const tmp = tempDir();


describe('lockstep venue serve + lockstep live --mode paper', () => {
  it('a paper session of the backtested grid-mm against the loopback exchange replaying synthetic data', async () => {
    const data = join(tmp.dir, 'l2');
    expect((await cli('data', 'synth', '--events', '600000', '--seed', '5', '--out', data)).code).toBe(0);
    const server = spawn(process.execPath, [join(ROOT, 'bin/lockstep.js'), 'venue', 'serve', '--data', data, '--speed', '10'], {
      cwd: ROOT, env: { ...process.env, LOCKSTEP_LOOPBACK_KEYS: `k1:${SECRET}` },
    });
    try {
      const url = await new Promise<string>((res, rej) => {
        let buf = '';
        server.stdout.on('data', (c) => { buf += c; const m = /listening on (\S+)/.exec(buf); if (m) res(m[1]); });
        server.on('exit', (code) => rej(new Error(`venue exited ${code}`)));
        setTimeout(() => rej(new Error('venue did not start')), 20_000);
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await cli('live', '--venue', 'binance', '--strategy', 'grid-mm', '--symbol', 'BTC/USDT', '--mode', 'paper', '--url', url, '--max-seconds', '4',
        '--param', 'size=0.01', '--param', 'maxPosition=0.1', '--record', join(tmp.dir, 'paper-json'), '--json');
      expect(r.code).toBe(0);
      // Before the first order: what the session trades with (the venue's rules, the account, the safety switches).
      expect(r.err).toMatch(/paper session: binance BTC\/USDT at http:\/\/127\.0\.0\.1/);
      expect(r.err).toMatch(/instrument BTCUSDT\.BINANCE: tick 0\.01, lot 0\.001/);
      expect(r.err).toMatch(/on kill: flatten; off-grid: round/);
      // No error-level log line. (A loaded machine may see the venue drop a slow stream consumer:
      // a `warn … watching again` line, which the session recovers from, is allowed.)
      expect(r.err.split('\n').filter((l) => /^\S+Z error\b|internal error/.test(l))).toEqual([]);
      const j = JSON.parse(r.out);
      expect(j.live.mode).toBe('paper');
      expect(j.config.mode).toBe('paper');
      expect(j.events).toBeGreaterThan(100);
      expect(j.orders.length).toBeGreaterThan(0);
      expect(j.strategy.name).toBe('grid-mm');
      // the same strategy in live mode: real orders at the (loopback) exchange, none left open afterwards.
      // Its quotes rest 1,000 ticks from the mid: a loaded machine delays the session's view of a book
      // replayed at 10× speed, and post-only quotes a few ticks away could all cross by the time they
      // arrive — a session whose every order was refused exits 1 (reproduced under CPU load with
      // offset=20: 3 orders, all post-only-would-cross).
      process.env.LOCKSTEP_API_KEY = 'k1';
      process.env.LOCKSTEP_API_SECRET = SECRET;
      try {
        const l = await cli('live', '--venue', 'binance', '--strategy', 'grid-mm', '--symbol', 'BTC/USDT', '--mode', 'live', '--url', url, '--max-seconds', '3',
          '--param', 'size=0.01', '--param', 'maxPosition=0.1', '--param', 'offset=1000', '--param', 'requote=10', '--record', join(tmp.dir, 'live-json'), '--json');
        expect(l.code).toBe(0);
        const lj = JSON.parse(l.out);
        expect(lj.live.mode).toBe('live');
        expect(lj.orders.length).toBeGreaterThan(0);
        expect(l.out + l.err).not.toContain(SECRET); // the secret is never printed
        const { readdirSync, readFileSync: read } = await import('node:fs');
        for (const f of readdirSync(join(tmp.dir, 'live-json'))) expect(read(join(tmp.dir, 'live-json', f)).includes(SECRET)).toBe(false);
      } finally {
        delete process.env.LOCKSTEP_API_KEY;
        delete process.env.LOCKSTEP_API_SECRET;
      }
      // `lockstep kill` trips the kill switch of a running session in another process
      const reports = join(tmp.dir, 'reports');
      const sess = join(reports, 'paper-run');
      const child = spawn(process.execPath, [join(ROOT, 'bin/lockstep.js'), 'live', '--venue', 'binance', '--strategy', 'grid-mm', '--symbol', 'BTC/USDT', '--mode', 'paper',
        '--url', url, '--max-seconds', '60', '--param', 'size=0.01', '--record', sess], { cwd: ROOT });
      const exited = new Promise<number | null>((r) => child.on('exit', r));
      const { existsSync, readFileSync } = await import('node:fs');
      for (let k = 0; k < 300 && !existsSync(join(sess, 'session.json')); k++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1500));
      const killed = await cli('kill', '--reports', reports);
      expect(killed.out).toMatch(/kill switch sent to session .*paper-run/);
      expect(await exited).toBe(0);
      expect(JSON.parse(readFileSync(join(sess, 'summary.json'), 'utf8')).killSwitch.reason).toBe('signal SIGTERM');
      const ccxt = (await import('ccxt')).default;
      const c = new ccxt.binance({ apiKey: 'k1', secret: SECRET, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
      await pointCcxtAt(c, url);
      await c.loadMarkets();
      expect(await c.fetchOpenOrders('BTC/USDT')).toHaveLength(0);
    } finally {
      server.kill('SIGTERM');
    }
  }, 90_000);

  it('an order the session counted as cancelled but the exchange still had: named on stderr, exit code 4', async () => {
    const venue = await startLoopbackVenue({ events: 300_000, seed: 5, keys: { k2: SECRET }, balances: { USDT: 100_000, BTC: 0 } });
    const proxy = await FaultProxy.start(venue.url);
    proxy.fakeCancels(1); // the strategy's one cancel is answered "CANCELED" and never reaches the exchange
    process.env.LOCKSTEP_API_KEY = 'k2';
    process.env.LOCKSTEP_API_SECRET = SECRET;
    try {
      const r = await cli('live', '--venue', 'binance', '--strategy', join(ROOT, 'test/fixtures/place-then-cancel-strategy.ts'), '--symbol', 'BTC/USDT', '--mode', 'live',
        '--url', proxy.url, '--max-seconds', '4', '--record', join(tmp.dir, 'live-stray'));
      expect(proxy.stats.fakedCancels).toBe(1);
      const [order] = venue.exchange.spot.all();
      expect(r.err).toContain(`lockstep live: 1 order(s) the session counted as ended were open at the exchange at the end (${order.clientOrderId}: open, executed 0 of 0.01, the session counted 0; cancelled now)`);
      expect(r.code).toBe(4);
      expect(order.status).toBe('CANCELED');
    } finally {
      delete process.env.LOCKSTEP_API_KEY;
      delete process.env.LOCKSTEP_API_SECRET;
      await proxy.close();
      await venue.close();
    }
  }, 60_000);

  it('commissions the exchange charges in BNB: valued at its BNB/USDT price in the fees and P&L, counted in live.feesInOtherAssets, named on stderr', async () => {
    const venue = await startLoopbackVenue({ events: 300_000, seed: 5, keys: { k3: SECRET }, balances: { USDT: 100_000, BTC: 0, BNB: 1 }, feeAsset: { asset: 'BNB', price: 600 } });
    process.env.LOCKSTEP_API_KEY = 'k3';
    process.env.LOCKSTEP_API_SECRET = SECRET;
    try {
      const r = await cli('live', '--venue', 'binance', '--strategy', join(ROOT, 'test/fixtures/buy-once-strategy.ts'), '--symbol', 'BTC/USDT', '--mode', 'live',
        '--url', venue.url, '--max-seconds', '3', '--record', join(tmp.dir, 'live-bnb'), '--json');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      expect(j.fills).toHaveLength(1);
      const [fill] = j.fills;
      // Hand check: the taker commission 0.1 % of 0.01 × price in USDT, at 600 USDT a BNB, to 8 decimals (as the exchange charges it),
      // valued back at the loopback's BNB/USDT price of 600: the order's commission and the session's, with the fill or after it.
      const bnb = Math.round(((0.01 * fill.price * 0.001) / 600) * 1e8) / 1e8;
      expect(j.orders[0].fees).toBeCloseTo(bnb * 600, 12);
      expect(j.fees).toBeCloseTo(bnb * 600, 12);
      expect(j.live.feesInOtherAssets).toEqual({ BNB: expect.closeTo(bnb, 12) });
      expect(j.live.unvaluedFees).toEqual({});
      expect(venue.exchange.spot.balance('k3', 'BNB').free).toBeCloseTo(1 - bnb, 12);
      expect(r.err).toMatch(/warn .*a commission was charged in BNB/);
      // Exchange amounts have 8 decimals: printed so (no exponent for a few satoshis of BNB).
      expect(r.err).toContain(`lockstep live: commissions charged in other assets: ${bnb.toFixed(8).replace(/\.?0+$/, '')} BNB, valued at the exchange's prices in the fees and P&L above\n`);
    } finally {
      delete process.env.LOCKSTEP_API_KEY;
      delete process.env.LOCKSTEP_API_SECRET;
      await venue.close();
    }
  }, 60_000);

  it('the stderr line of commissions in other assets names those no price was read for', () => {
    expect(otherAssetFees({ feesInOtherAssets: {}, unvaluedFees: {} })).toEqual([]);
    expect(otherAssetFees({ feesInOtherAssets: { BNB: 0.00000334, FTT: 0.5 }, unvaluedFees: { FTT: 0.5 } })).toEqual([
      "commissions charged in other assets: 0.00000334 BNB, 0.5 FTT, valued at the exchange's prices in the fees and P&L above, except 0.5 FTT (no price read: not in them)",
    ]);
  });

  it('venue serve --fee-asset without a price is refused with one line', async () => {
    const r = await cli('venue', 'serve', '--fee-asset', 'BNB');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--fee-asset "BNB": write ASSET=PRICE/);
  });

  it('--mode live without credentials is refused with one line', async () => {
    const saved = [process.env.LOCKSTEP_API_KEY, process.env.LOCKSTEP_API_SECRET];
    delete process.env.LOCKSTEP_API_KEY;
    delete process.env.LOCKSTEP_API_SECRET;
    try {
      const r = await cli('live', '--venue', 'binance', '--strategy', 'grid-mm', '--symbol', 'BTC/USDT', '--mode', 'live');
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/LOCKSTEP_API_KEY/);
    } finally {
      if (saved[0]) process.env.LOCKSTEP_API_KEY = saved[0];
      if (saved[1]) process.env.LOCKSTEP_API_SECRET = saved[1];
    }
  });
});
