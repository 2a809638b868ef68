import type { EventSink, EventSource } from './event-source.ts';

/**
 * Replays several sources as one stream in timestamp order (k-way merge over a small
 * heap, ties broken by source order so a run is deterministic). Awaits only at batch
 * boundaries; every handler call is synchronous. Returns the number of events emitted.
 */
export async function runEventLoop(sources: readonly EventSource[], sink: EventSink): Promise<number> {
  let events = 0;
  for (const s of sources) while (s.needsLoad()) await s.load();
  if (sources.length === 1) {
    const s = sources[0];
    for (;;) {
      while (s.needsLoad()) await s.load();
      if (s.peekTs() === Infinity) return events;
      events += s.emitUntil(Infinity, true, sink);
    }
  }
  if (sources.length === 2) return events + (await mergeTwo(sources[0], sources[1], sink));
  // Heap of source indices ordered by (next timestamp, index).
  const heap: number[] = [];
  const key = (i: number): number => sources[i].peekTs();
  const less = (a: number, b: number): boolean => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb || (ka === kb && a < b);
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let i = 0; i < sources.length; i++) if (sources[i].peekTs() !== Infinity) heap.push(i);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  while (heap.length > 0) {
    const top = heap[0];
    const s = sources[top];
    // The runner-up bounds how far this source may run ahead.
    let limit = Infinity;
    let limitIdx = Number.MAX_SAFE_INTEGER;
    for (let c = 1; c <= 2 && c < heap.length; c++) {
      const t = key(heap[c]);
      if (t < limit || (t === limit && heap[c] < limitIdx)) {
        limit = t;
        limitIdx = heap[c];
      }
    }
    events += s.emitUntil(limit, top < limitIdx, sink);
    while (s.needsLoad()) await s.load();
    if (s.peekTs() === Infinity) {
      heap[0] = heap[heap.length - 1];
      heap.pop();
    }
    if (heap.length > 0) siftDown(0);
  }
  return events;
}

/**
 * Two sources (trades + quotes, deltas + trades: the common tick run) merged without a
 * heap: each turn the source that is behind emits up to the other's next timestamp (the
 * first source wins ties). Finely interleaved streams hand over after almost every event,
 * so this turn must stay cheap.
 */
async function mergeTwo(a: EventSource, b: EventSource, sink: EventSink): Promise<number> {
  let events = 0;
  for (;;) {
    while (a.needsLoad()) await a.load();
    while (b.needsLoad()) await b.load();
    const ta = a.peekTs();
    const tb = b.peekTs();
    if (ta === Infinity && tb === Infinity) return events;
    events += ta <= tb ? a.emitUntil(tb, true, sink) : b.emitUntil(ta, false, sink);
  }
}
