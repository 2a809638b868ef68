import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readTickFiles, tickFilesOf } from '../src/data/tick-parquet.ts';
import { DeltaFlag, type DeltaBatch, type TradeBatch } from '../src/data/tick-batch.ts';
import { PYTHON } from './backtrader-peer.ts';
import { openPeerSession } from './peer-session.ts';

/** An hftbacktest 1.8.4 tree (`fetch` nkaz001/hftbacktest, `git archive -o t.tar v1.8.4 hftbacktest`, untar): $HFTBACKTEST_DIR, else /tmp/hbt. */
export const HFTBACKTEST = [process.env.HFTBACKTEST_DIR, '/tmp/hbt'].find((d): d is string => d !== undefined && existsSync(join(d, 'hftbacktest', '__init__.py')));
export const NO_HFTBACKTEST = 'hftbacktest not found: fetch nkaz001/hftbacktest, `git archive -o /tmp/hbt.tar v1.8.4 hftbacktest && tar -xf /tmp/hbt.tar -C /tmp/hbt` '
  + '(or set HFTBACKTEST_DIR), and apt-get install python3-numba python3-pandas python3-matplotlib';

/** hftbacktest 1.8's event codes and row width (event, exch_ts, local_ts, side, price, qty). */
const DEPTH_EVENT = 1;
const TRADE_EVENT = 2;
const COLS = 6;

/**
 * Writes a tick folder's deltas and trades as one hftbacktest 1.8 event array: rows in the
 * order the engine replays them (local time, deltas before trades at equal times — the
 * engine's source order), snapshot rows as depth events into an empty book. Raw float64
 * rows go to `<out>.f64`, which numpy turns into `<out>` (an npz holding `data`).
 */
export async function writeHftbacktestEvents(dir: string, out: string): Promise<number> {
  const files = await tickFilesOf(dir);
  const raw = `${out}.f64`;
  const fd = openSync(raw, 'w');
  const buf = new Float64Array(COLS * 65_536);
  let n = 0;
  let rows = 0;
  const push = (ev: number, ts: number, local: number, side: number, price: number, qty: number) => {
    const j = n * COLS;
    buf[j] = ev; buf[j + 1] = ts; buf[j + 2] = local; buf[j + 3] = side; buf[j + 4] = price; buf[j + 5] = qty;
    if (++n === 65_536) flush();
  };
  const flush = () => {
    writeSync(fd, new Uint8Array(buf.buffer, 0, n * COLS * 8));
    rows += n;
    n = 0;
  };
  try {
    const deltas = readTickFiles<DeltaBatch>(files.deltas)[Symbol.asyncIterator]();
    const trades = readTickFiles<TradeBatch>(files.trades)[Symbol.asyncIterator]();
    let d = (await deltas.next()).value as DeltaBatch | undefined;
    let t = (await trades.next()).value as TradeBatch | undefined;
    let i = 0;
    let k = 0;
    while (d !== undefined || t !== undefined) {
      if (d !== undefined && i === d.length) { d = (await deltas.next()).value; i = 0; continue; }
      if (t !== undefined && k === t.length) { t = (await trades.next()).value; k = 0; continue; }
      if (t === undefined || (d !== undefined && d.tsLocal[i] <= t.tsLocal[k])) {
        if (d!.flags[i] & DeltaFlag.clear && rows + n > 0) throw new Error(`${dir}: a book clear after the start is not converted`);
        push(DEPTH_EVENT, d!.ts[i], d!.tsLocal[i], d!.side[i], d!.price[i], d!.qty[i]);
        i++;
      } else {
        push(TRADE_EVENT, t.ts[k], t.tsLocal[k], t.aggressor[k], t.price[k], t.qty[k]);
        k++;
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
  const tmp = `${out}.tmp-${process.pid}.npz`;
  const py = `import numpy as np, sys; a = np.fromfile(sys.argv[1], dtype='<f8').reshape(-1, ${COLS}); np.savez(sys.argv[2], data=a)`;
  const r = spawnSync(PYTHON, ['-c', py, raw, tmp], { encoding: 'utf8' });
  rmSync(raw, { force: true });
  if (r.status !== 0) throw new Error(`numpy could not write ${out}: ${r.stderr}`);
  renameSync(tmp, out);
  return rows;
}

/**
 * grid-mm (strategies/grid-mm with src/exec/quote-ladder.ts) in hftbacktest 1.8's numba API:
 * after each feed, the mid; when it moved `requote` ticks since the last ladder, the wanted
 * prices (floor/ceil of mid ± offset + k·spacing ticks); quotes still wanted stay, the others
 * are cancelled and stay counted until the cancel is confirmed; a side never rests more
 * quotes than it wants (held prices are quoted when a cancel is confirmed); open orders
 * count against the position limit. GTX (post-only) orders, power-3 probabilistic queue,
 * constant latencies, partial fills. Times a full run after compiling on the first 200k rows.
 * Prints JSON: seconds, fills, position, orders sent, rows.
 */
const SCRIPT = `
import sys, json, time, resource
import numpy as np
from numba import njit, types
from numba.typed import Dict
from hftbacktest.reader import Cache, DataReader
from hftbacktest import HftBacktest, ConstantLatency, PowerProbQueueModel, Linear, PartialFillExchange, GTX

@njit
def is_open(orders, oid):
    if oid not in orders:
        return False
    s = orders[oid].status
    return s == 0 or s == 1 or s == 5

@njit
def wanted(p, want):
    for w in want:
        if w == p:
            return True
    return False

@njit
def prune(hbt, book, want, leaving):
    orders = hbt.orders
    for p in list(book.keys()):
        oid = book[p]
        live = is_open(orders, oid)
        if live and wanted(p, want):
            continue
        if live:
            o = orders[oid]
            if o.req == 0:
                hbt.cancel(oid)
            leaving[oid] = o.side
        del book[p]

@njit
def quote(hbt, side, book, want, room, open_qty, pos, size, max_pos, next_id):
    """One side's missing prices: skipped past the position limit (open orders included), held when the side is full."""
    tick = hbt.tick_size
    held = 0
    for p in want:
        if p in book or side * pos + open_qty + size > max_pos + 1e-9:
            continue
        if room <= 0:
            held += 1
            continue
        if side == 1:
            hbt.submit_buy_order(next_id, p * tick, size, GTX)
        else:
            hbt.submit_sell_order(next_id, p * tick, size, GTX)
        book[p] = next_id
        next_id += 1
        open_qty += size
        room -= 1
    return held, next_id

@njit
def sync(hbt, bids, asks, leaving, want_bid, want_ask, size, max_pos, next_id):
    prune(hbt, bids, want_bid, leaving)
    prune(hbt, asks, want_ask, leaving)
    bid_room = len(want_bid) - len(bids)
    ask_room = len(want_ask) - len(asks)
    orders = hbt.orders
    for oid in list(leaving.keys()):
        if not is_open(orders, oid):
            del leaving[oid]
            continue
        o = orders[oid]
        if o.req == 0:
            hbt.cancel(oid)  # its cancel could not go while its entry was travelling
        if o.side == 1:
            bid_room -= 1
        else:
            ask_room -= 1
    buying = 0.0
    selling = 0.0
    for o in orders.values():
        if o.status == 0 or o.status == 1 or o.status == 5:
            if o.side == 1:
                buying += o.leaves_qty
            else:
                selling += o.leaves_qty
    pos = hbt.position
    held_bid, next_id = quote(hbt, 1, bids, want_bid, bid_room, buying, pos, size, max_pos, next_id)
    held_ask, next_id = quote(hbt, -1, asks, want_ask, ask_room, selling, pos, size, max_pos, next_id)
    held = held_bid + held_ask
    hbt.clear_inactive_orders()
    return held, next_id

@njit
def waiting(orders, leaving):
    for oid in leaving.keys():
        if not is_open(orders, oid):
            return True
    return False

@njit
def grid_mm(hbt, levels, offset, spacing, requote, size, max_pos):
    tick = hbt.tick_size
    bids = Dict.empty(types.int64, types.int64)
    asks = Dict.empty(types.int64, types.int64)
    leaving = Dict.empty(types.int64, types.int64)
    want_bid = np.empty(levels, np.int64)
    want_ask = np.empty(levels, np.int64)
    last_mid = np.nan
    held = 0
    next_id = 1
    while hbt.wait_next_feed(False):
        mid = (hbt.best_bid + hbt.best_ask) / 2.0
        if not (mid > 0) or not np.isfinite(mid):
            continue
        if abs(mid - last_mid) < requote * tick:
            if held > 0 and waiting(hbt.orders, leaving):
                held, next_id = sync(hbt, bids, asks, leaving, want_bid, want_ask, size, max_pos, next_id)
            continue
        last_mid = mid
        mid_ticks = mid / tick
        for k in range(levels):
            away = offset + k * spacing
            want_bid[k] = np.int64(np.floor(mid_ticks - away + 1e-9))
            want_ask[k] = np.int64(np.ceil(mid_ticks + away - 1e-9))
        held, next_id = sync(hbt, bids, asks, leaving, want_bid, want_ask, size, max_pos, next_id)
    return next_id - 1

def readers(data):
    cache = Cache()
    local, exch = DataReader(cache), DataReader(cache)
    local.add_data(data)
    exch.add_data(data)
    return local, exch

def run(hbt, p):
    t = time.perf_counter()
    sent = grid_mm(hbt, p['levels'], p['offset'], p['spacing'], p['requote'], p['size'], p['maxPosition'])
    return time.perf_counter() - t, sent

p = json.loads(sys.argv[2])
data = np.load(sys.argv[1])['data']
# Compile on the first rows, then reset the same (typed) instance onto all of them: timed runs are post-JIT.
hbt = HftBacktest(data[:200_000].copy(), tick_size=p['tick'], lot_size=p['lot'], maker_fee=0.0, taker_fee=0.0,
                  order_latency=ConstantLatency(p['entry'], p['response']), asset_type=Linear,
                  queue_model=PowerProbQueueModel(3.0), exchange_model=PartialFillExchange)
warm, _ = run(hbt, p)
print(json.dumps({'warmupSeconds': warm, 'rows': int(len(data))}), flush=True)
# One replay of every row per 'run' line on stdin (the caller times its own runs in between).
for line in sys.stdin:
    if line.strip() != 'run':
        break
    local, exch = readers(data)
    hbt.reset(local, exch, 0.0, 0.0, 0.0, 0.0, 0.0, p['tick'], p['lot'], None, 0)
    seconds, sent = run(hbt, p)
    print(json.dumps({'seconds': seconds, 'fills': int(hbt.trade_num), 'position': float(hbt.position), 'sent': int(sent)}), flush=True)
print(json.dumps({'peakRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
`;

/** grid-mm's parameters and the market's rules, the same for both engines. */
export const GRID_MM = { levels: 3, offset: 1, spacing: 2, requote: 2, size: 0.1, maxPosition: 1 } as const;

/** One post-JIT replay of every event by hftbacktest. */
export interface HftbacktestRun {
  seconds: number;
  fills: number;
  position: number;
  /** Orders sent. */
  sent: number;
}

/** A Python process holding the events with grid-mm compiled: each `run()` replays them once more. */
export interface HftbacktestSession {
  /** The first run on 200,000 rows, numba's compilation included. */
  readonly warmupSeconds: number;
  readonly rows: number;
  run(): Promise<HftbacktestRun>;
  /** Ends the process; its peak RSS. */
  close(): Promise<{ peakRssMiB: number }>;
}

/**
 * Starts grid-mm in hftbacktest on an npz written by `writeHftbacktestEvents` and waits for
 * its compilation: the caller can then time its own runs between the peer's, so both sides
 * of each comparison run within seconds of each other on a machine whose speed drifts.
 */
export async function openHftbacktest(npz: string, o: { tick: number; lot: number; entryMicros: number; responseMicros: number }): Promise<HftbacktestSession> {
  const p = { ...GRID_MM, tick: o.tick, lot: o.lot, entry: o.entryMicros, response: o.responseMicros };
  const peer = await openPeerSession('hbt_gridmm.py', SCRIPT, [npz, JSON.stringify(p)], HFTBACKTEST!);
  return {
    warmupSeconds: peer.ready.warmupSeconds, rows: peer.ready.rows,
    run: async () => (await peer.run()) as unknown as HftbacktestRun,
    close: async () => ({ peakRssMiB: (await peer.close()).peakRssMiB }),
  };
}
