import { readFileSync } from 'node:fs';
import { ConfigError, DataError } from '../core/errors.ts';

/**
 * Order latency as hftbacktest models it: `entry` is how long a request takes to reach
 * the exchange, `response` how long the exchange's answer takes to come back, both in µs
 * and possibly depending on the time they start. (Feed latency is in the data: the gap
 * between each event's exchange and local timestamps.)
 */
export interface LatencyModel {
  readonly name: string;
  entry(ts: number): number;
  response(ts: number): number;
}

/** Fixed latencies. */
export function constantLatency(entryMicros: number, responseMicros: number): LatencyModel {
  if (!(entryMicros >= 0 && responseMicros >= 0)) throw new ConfigError('latencies must be ≥ 0 µs');
  return { name: `constant(${entryMicros},${responseMicros})`, entry: () => entryMicros, response: () => responseMicros };
}

/**
 * Latencies interpolated linearly in time from a recorded file: CSV with a header
 * `timestamp,entry,response` (µs since the epoch; latencies in µs), rows in time order.
 * Before the first / after the last row the end values hold.
 */
export function interpolatedLatency(file: string): LatencyModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read latency file ${file}: ${(e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = lines[0]?.split(',').map((h) => h.trim().toLowerCase()) ?? [];
  const [it, ie, ir] = ['timestamp', 'entry', 'response'].map((k) => head.indexOf(k));
  if (it < 0 || ie < 0 || ir < 0) throw new DataError({ file, row: 1 }, `header must name timestamp, entry and response (found ${head.join(',')})`, 'Write the header "timestamp,entry,response"');
  const ts: number[] = [];
  const en: number[] = [];
  const re: number[] = [];
  for (let r = 1; r < lines.length; r++) {
    const f = lines[r].split(',').map(Number);
    for (const [k, name] of [[it, 'timestamp'], [ie, 'entry'], [ir, 'response']] as const) {
      if (!Number.isFinite(f[k]) || (name !== 'timestamp' && f[k] < 0)) throw new DataError({ file, row: r + 1, field: name }, `"${lines[r].split(',')[k]}" is not a valid ${name}`, 'Latencies are non-negative µs, timestamps µs since the epoch');
    }
    if (ts.length > 0 && f[it] <= ts[ts.length - 1]) throw new DataError({ file, row: r + 1, field: 'timestamp' }, 'timestamps must increase', 'Sort the file by timestamp');
    ts.push(f[it]); en.push(f[ie]); re.push(f[ir]);
  }
  if (ts.length === 0) throw new DataError({ file, row: 2 }, 'no latency rows', 'Add at least one row');
  const at = (ys: number[], t: number): number => {
    if (t <= ts[0]) return ys[0];
    if (t >= ts[ts.length - 1]) return ys[ys.length - 1];
    let lo = 0;
    let hi = ts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] <= t) lo = mid;
      else hi = mid;
    }
    return ys[lo] + ((ys[hi] - ys[lo]) * (t - ts[lo])) / (ts[hi] - ts[lo]);
  };
  return { name: `interpolated(${file})`, entry: (t) => at(en, t), response: (t) => at(re, t) };
}
