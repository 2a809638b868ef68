import { isoFromMicros } from '../core/time.ts';
import { fillCount, type RunResult } from './run-result.ts';

/**
 * Why a finished run did nothing useful, in one line — or null. A run that replayed no
 * market events, or whose every order was refused, must not look like a result.
 */
export function uselessRun(r: RunResult): string | null {
  if (r.events === 0) {
    return `no market events were ${r.config.mode === 'backtest' ? 'replayed (is the data or the from/to window empty?)' : 'received from the venue'}: nothing was tested`;
  }
  const rej = r.rejections;
  // Refusals before sending leave no order behind; an order the venue rejected is in both.
  // Asked last: a result in memory builds its order objects when `orders` is first read.
  const allRefused = () => (r.spilled !== null ? rej.total >= r.spilled.counts.orders : r.orders.every((o) => o.status === 'rejected'));
  if (rej.total > 0 && fillCount(r) === 0 && allRefused()) {
    const reasons = Object.entries(rej.byReason).map(([k, n]) => `${n} ${k}`).join(', ');
    return `every order was refused (${reasons}); the first: ${rej.first[0]?.message ?? ''}`;
  }
  return null;
}

/**
 * Why a backtest replayed nothing, per feed, with what the data does hold — or null when
 * it replayed events. An empty selection is a user error, not a result.
 */
export function emptySelection(r: Pick<RunResult, 'events' | 'feeds' | 'config'>): string | null {
  if (r.events > 0) return null;
  const window = r.config.from !== undefined || r.config.to !== undefined ? `the window ${r.config.from ?? '…'} to ${r.config.to ?? '…'}` : null;
  const why = r.feeds.map((f) => {
    const range = f.dataFirst !== undefined && Number.isFinite(f.dataFirst) ? `${isoFromMicros(f.dataFirst)} to ${isoFromMicros(f.dataLast!)}` : null;
    if (f.badRows.skipped > 0 && range === null) return `${f.file}: every row was skipped as bad (${f.badRows.skipped}; first: ${f.badRows.examples[0] ?? ''})`;
    if (range !== null && window !== null) return `${f.file}: its data (${range}) lies outside ${window}`;
    if (range === null) return `${f.file}: no data rows${window !== null ? ` in ${window}` : ''}`;
    return `${f.file}: nothing replayed`;
  });
  return `no market events to replay — ${why.join('; ')}. Pass data with rows, or a --from/--to window inside the data`;
}

/** The rejection, kill-switch and off-grid lines of a run's summary (empty when there is nothing to say). */
export function outcomeLines(r: Pick<RunResult, 'rejections' | 'offGrid' | 'killSwitch'>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const rej = r.rejections;
  if (rej.total > 0) {
    rows.push(['orders refused', `${rej.total}: ${Object.entries(rej.byReason).map(([k, n]) => `${k} ${n}`).join(', ')}`]);
    for (const x of rej.first.slice(0, 3)) rows.push(['', `${new Date(x.ts / 1000).toISOString()} ${x.orderId || '(not sent)'} ${x.reason}: ${x.message}`]);
  }
  if (r.offGrid.rounded + r.offGrid.refused > 0) rows.push(['off the grid', `${r.offGrid.rounded} rounded onto it, ${r.offGrid.refused} refused (policy ${r.offGrid.policy})`]);
  const k = r.killSwitch;
  if (k) {
    rows.push(['kill switch', `${new Date(k.ts / 1000).toISOString()} ${k.reason} (policy ${k.policy}, ${k.flattenOrders} flatten order(s))`]);
    const open = Object.entries(k.openPositions);
    rows.push(['  left open', open.length === 0 ? 'nothing: flat' : open.map(([id, q]) => `${id} ${q}`).join(', ')]);
  }
  return rows;
}
