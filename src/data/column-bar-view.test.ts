import { describe, expect, it } from 'vitest';
import { copyBarView, emptyBarView, type BarView } from '../core/events.ts';
import { columnBarView, singleBarView, viewColumns } from './column-bar-view.ts';
import { BarSource } from './bar-source.ts';
import type { BarBatch } from './bar-batch.ts';
import type { EventSink } from '../engine/event-source.ts';

const columns = {
  ts: Float64Array.of(60e6, 120e6),
  open: Float64Array.of(10, 11),
  high: Float64Array.of(12, 13),
  low: Float64Array.of(9, 10.5),
  close: Float64Array.of(11, 12.5),
  volume: Float64Array.of(100, 250),
};
/** Row 1 of `columns` as a plain bar object, written out by hand. */
const row1: BarView = { instrumentId: 'BTC', instrumentIndex: 2, ts: 120e6, tsLocal: 120e6, open: 11, high: 13, low: 10.5, close: 12.5, volume: 250 };

/** A BarSource over `columns` as one batch, loaded, numbering its instrument `slot`. */
async function loadedSource(slot: number): Promise<BarSource> {
  const batch: BarBatch = { ...columns, length: 2, row: null, firstRow: 1 };
  async function* one() { yield batch; }
  const source = new BarSource('mem', one(), { id: 'BTC' } as never, slot);
  while (source.needsLoad()) await source.load();
  return source;
}

function viewAtRow1() {
  const v = columnBarView('BTC', 2);
  viewColumns(v, columns);
  v.row = 1;
  return v;
}

describe('column bar view', () => {
  it('reads each field from its column at the row', () => {
    const v = viewAtRow1();
    expect([v.ts, v.tsLocal, v.open, v.high, v.low, v.close, v.volume]).toEqual([120e6, 120e6, 11, 13, 10.5, 12.5, 250]);
    v.row = 0;
    expect([v.ts, v.open, v.high, v.low, v.close, v.volume]).toEqual([60e6, 10, 12, 9, 11, 100]);
  });

  it('copies, spreads, serializes and lists keys as a plain bar object does', () => {
    const v = viewAtRow1();
    expect({ ...v }).toEqual(row1);
    expect(Object.keys(v).sort()).toEqual(Object.keys(row1).sort());
    expect(JSON.parse(JSON.stringify(v))).toEqual(row1);
    expect(copyBarView(v, emptyBarView())).toEqual(row1);
    expect(structuredClone(v)).toEqual(row1);
  });

  it('refuses writes to its fields', () => {
    const v = viewAtRow1() as BarView;
    expect(() => { v.close = 1; }).toThrow(TypeError);
    expect(v.close).toBe(12.5);
  });

  it('shows a bar that arrives alone (a live candle) as the same kind of view, each set bar in turn', () => {
    const one = singleBarView('BTC', 2);
    one.set(120e6, 11, 13, 10.5, 12.5, 250);
    expect({ ...one.view }).toEqual(row1);
    one.set(180e6, 1, 2, 0.5, 1.5, 7);
    expect([one.view.ts, one.view.tsLocal, one.view.open, one.view.high, one.view.low, one.view.close, one.view.volume]).toEqual([180e6, 180e6, 1, 2, 0.5, 1.5, 7]);
    expect(() => { (one.view as BarView).close = 1; }).toThrow(TypeError);
  });

  it('is what BarSource hands its sink: each bar of a batch in turn, never a bar past the limit', async () => {
    const source = await loadedSource(2);
    const seen: BarView[] = [];
    const sink = { onBar: (b: BarView) => seen.push({ ...b }) } as unknown as EventSink;
    expect(source.emitUntil(60e6, true, sink)).toBe(1);
    expect(source.emitUntil(Infinity, true, sink)).toBe(1);
    expect(seen).toEqual([{ ...row1, ts: 60e6, tsLocal: 60e6, open: 10, high: 12, low: 9, close: 11, volume: 100 }, row1]);
  });

  it('stands past the bar whose handler threw: the next emit starts at the bar after it', async () => {
    const source = await loadedSource(0);
    const throwing = { onBar: () => { throw new Error('strategy failed'); } } as unknown as EventSink;
    expect(() => source.emitUntil(Infinity, true, throwing)).toThrow('strategy failed');
    expect(source.peekTs()).toBe(120e6);
    const seen: number[] = [];
    expect(source.emitUntil(Infinity, true, { onBar: (b: BarView) => seen.push(b.close) } as unknown as EventSink)).toBe(1);
    expect(seen).toEqual([12.5]);
  });
});
