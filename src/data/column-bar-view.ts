import type { BarView } from '../core/events.ts';
import { allocBarBatch, type BarBatch } from './bar-batch.ts';

/** A column view's own state: the row its fields read and the columns. */
interface ViewState {
  row: number;
  t: Float64Array;
  o: Float64Array;
  h: Float64Array;
  l: Float64Array;
  c: Float64Array;
  v: Float64Array;
}

const NONE = new Float64Array(0);
const hidden = (value: unknown): PropertyDescriptor => ({ value, writable: true, enumerable: false });
const field = (get: (this: ViewState) => number): PropertyDescriptor => ({ get, enumerable: true });

const FIELDS: PropertyDescriptorMap = {
  ts: field(function ts() { return this.t[this.row]; }),
  tsLocal: field(function tsLocal() { return this.t[this.row]; }),
  open: field(function open() { return this.o[this.row]; }),
  high: field(function high() { return this.h[this.row]; }),
  low: field(function low() { return this.l[this.row]; }),
  close: field(function close() { return this.c[this.row]; }),
  volume: field(function volume() { return this.v[this.row]; }),
};

/**
 * A bar view over a batch's columns: each field reads its column at the current row when read,
 * so replaying a bar writes one index instead of seven fields (and a column nobody reads, a
 * bar's volume, say, is not touched). The fields are the object's own enumerable accessors —
 * `{ ...bar }`, `copyBarView`, `JSON.stringify` and `Object.keys` see the same fields as on a
 * plain bar object — and read-only; the row and the columns are own properties hidden from
 * enumeration. One getter function per field, shared by every view, so all views have one shape.
 */
export type ColumnBarView = BarView & ViewState;

/** A view of instrument `instrumentId` (slot `instrumentIndex`) over no columns yet (see `viewColumns`; set `row` per bar). */
export function columnBarView(instrumentId: string, instrumentIndex: number): ColumnBarView {
  const view = { instrumentId, instrumentIndex };
  Object.defineProperties(view, { row: hidden(0), t: hidden(NONE), o: hidden(NONE), h: hidden(NONE), l: hidden(NONE), c: hidden(NONE), v: hidden(NONE), ...FIELDS });
  return view as ColumnBarView;
}

/** Points `view` at a batch's columns (its row is left as it was). */
export function viewColumns(view: ColumnBarView, b: Pick<BarBatch, 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'>): void {
  view.t = b.ts;
  view.o = b.open;
  view.h = b.high;
  view.l = b.low;
  view.c = b.close;
  view.v = b.volume;
}

/** A view over one bar's own columns, for a bar that arrives alone (a live candle): `set` writes the bar the view then shows. */
export function singleBarView(instrumentId: string, instrumentIndex: number): { view: BarView; set(ts: number, open: number, high: number, low: number, close: number, volume: number): void } {
  const view = columnBarView(instrumentId, instrumentIndex);
  const row = allocBarBatch(1);
  viewColumns(view, row);
  return {
    view,
    set(ts, open, high, low, close, volume) {
      row.ts[0] = ts;
      row.open[0] = open;
      row.high[0] = high;
      row.low[0] = low;
      row.close[0] = close;
      row.volume[0] = volume;
    },
  };
}
