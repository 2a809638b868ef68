import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../test/cli.ts';
import { tempDir } from '../../test/tmp.ts';
import { startLoopbackVenue, type LoopbackVenue } from '../live/loopback/start-venue.ts';

const tmp = tempDir();

describe('lockstep config', () => {
  it('schema: the JSON Schema of the session config, with the allowed values of every choice', async () => {
    const r = await cli('config', 'schema');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.type).toBe('object');
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.mode.enum).toEqual(['backtest', 'paper', 'live']);
    expect(s.properties.onKill.enum).toEqual(['cancel', 'flatten']);
    expect(s.properties.offGrid.enum).toEqual(['round', 'refuse']);
    expect(s.properties.queue.enum).toEqual(['risk-averse', 'probabilistic']);
  });

  it('show: the file resolved for a mode (the documented defaults filled in); a "$schema" key is allowed; unknown keys are errors', async () => {
    const file = tmp.file('show.json', JSON.stringify({ $schema: './lockstep-config.schema.json', strategy: 'grid-mm', venue: { exchange: 'binance', symbol: 'BTC/USDT' } }));
    const r = await cli('config', 'show', file, '--mode', 'paper');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out);
    expect(c).toMatchObject({ mode: 'paper', onKill: 'flatten', offGrid: 'round', cash: 10_000, session: { staleMillis: 5000, keepOrders: false, statusEverySeconds: 10 } });
    expect(c.$schema).toBeUndefined();
    const bad = tmp.file('bad.json', JSON.stringify({ strategy: 'grid-mm', data: [{ file: 'x.csv', instrument: { symbol: 'X' } }], riskk: {} }));
    const b = await cli('config', 'show', bad);
    expect(b.code).toBe(2); // a schema violation is a usage error
    expect(b.err).toMatch(/riskk/);
    expect((await cli('config', 'show', file)).err).toMatch(/a backtest needs data/); // the file's mode defaults to backtest
  });

  it('unknown values of a choice flag exit 2 naming the allowed values (never a silent default)', async () => {
    const q = await cli('backtest', '--strategy', 'grid-mm', '--data', 'x', '--queue', 'foo');
    expect(q.code).toBe(2);
    expect(q.err).toMatch(/--queue must be one of risk-averse, probabilistic; got "foo"/);
    const k = await cli('live', '--mode', 'paper', '--venue', 'binance', '--symbol', 'BTC/USDT', '--strategy', 'grid-mm', '--on-kill', 'pray');
    expect(k.code).toBe(2);
    expect(k.err).toMatch(/--on-kill must be one of cancel, flatten/);
  });
});

describe('one config file for lockstep backtest and lockstep live', () => {
  let venue: LoopbackVenue;
  beforeAll(async () => { venue = await startLoopbackVenue({ events: 300_000, seed: 8, keys: {}, balances: {} }); });
  afterAll(async () => { await venue?.close(); });

  it('the same file runs a backtest on its data and a paper session on its venue, with the same strategy, fees and risk limits', async () => {
    const synth = join(tmp.dir, 'synth');
    expect((await cli('data', 'synth', '--events', '40000', '--seed', '4', '--out', synth)).code).toBe(0);
    const shared = {
      strategy: 'grid-mm', params: { size: 0.01, maxPosition: 0.05 }, cash: 100_000, commission: { type: 'maker-taker', maker: 0, taker: 0.001 },
      risk: { maxOrderQty: 0.02, maxPosition: 0.06 }, onKill: 'cancel', offGrid: 'refuse', queue: 'probabilistic', queuePower: 3,
    };
    const file = tmp.file('session.json', JSON.stringify({
      ...shared, data: [{ file: synth, instrument: { symbol: 'BTCUSDT' } }], venue: { exchange: 'binance', symbol: 'BTC/USDT', url: venue.url },
    }));
    const bt = await cli('backtest', '--config', file, '--no-save', '--json');
    expect(bt.code).toBe(0);
    const b = JSON.parse(bt.out);
    const pp = await cli('live', '--config', file, '--mode', 'paper', '--max-seconds', '2', '--record', join(tmp.dir, 'paper'), '--json');
    expect(pp.code).toBe(0);
    const p = JSON.parse(pp.out);
    expect(b.config.mode).toBe('backtest');
    expect(p.config.mode).toBe('paper');
    expect(b.config.venue).toBeUndefined(); // each mode keeps what it uses
    expect(p.config.data).toBeUndefined();
    for (const k of Object.keys(shared)) expect(p.config[k]).toEqual(b.config[k]);
    expect(b.fills.length).toBeGreaterThan(0);
    expect(p.orders.length).toBeGreaterThan(0);
    // The recording stores the resolved config verbatim (what lockstep replay runs).
    const stored = JSON.parse(readFileSync(join(tmp.dir, 'paper', 'session.json'), 'utf8'));
    expect(stored.config).toEqual(p.config);
  }, 60_000);
});
