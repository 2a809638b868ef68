/**
 * In-place edits of the short lists on the per-order path (open orders, resting orders,
 * queued events) that keep the array's backing store. Array#splice allocates the array of
 * removed elements it returns, and an array emptied by splice or `length = n` drops its
 * backing store, so the next push allocates a new one (about 150 bytes, on every order of
 * a strategy that holds one order at a time); pop keeps it.
 */

/** Removes `list[i]` (0 ≤ i < length), shifting the later elements down. */
export function removeAt<T>(list: T[], i: number): void {
  const n = list.length;
  if (!(i >= 0 && i < n)) throw new RangeError(`removeAt: index ${i} outside the list's ${n} elements`);
  for (let k = i + 1; k < n; k++) list[k - 1] = list[k];
  list.pop();
}

/** Removes the first element equal to `x`; false when there is none. */
export function removeItem<T>(list: T[], x: T): boolean {
  const i = list.indexOf(x);
  if (i < 0) return false;
  removeAt(list, i);
  return true;
}

/** Shortens `list` to its first `n` elements. */
export function truncate<T>(list: T[], n: number): void {
  while (list.length > n) list.pop();
}

/** Inserts `x` before `list[i]` (0 ≤ i ≤ length). */
export function insertAt<T>(list: T[], i: number, x: T): void {
  list.push(x);
  for (let k = list.length - 1; k > i; k--) list[k] = list[k - 1];
  list[i] = x;
}

/**
 * An empty array in the elements kind that holds any value. V8 gives `[]` the small-integer
 * kind, and the first string or object pushed changes it; on the order path (a run's logs
 * and registries, new for every run) that change deoptimized code optimized on the previous
 * run's arrays, once per run for every such array. This one starts where those end.
 */
export function anyValues<T>(): T[] {
  const list: T[] = [undefined as T];
  list.pop();
  return list;
}

/**
 * An empty array in the elements kind of doubles, for a list of numbers new every run that
 * receives fractions, NaN or numbers past 2^31 (timestamps): `[]` would change kind at the first
 * one, in every run (see anyValues).
 */
export function doubles(): number[] {
  const list = [0.5];
  list.pop();
  return list;
}

/**
 * `list.map(f)` in the packed elements kind that holds any value, whichever tier runs it.
 * Array#map's result is packed when the builtin makes it and holey when optimized code
 * inlines it: a run's arrays built so (a broker's pending lists, the trade log's open trips)
 * changed kind once the code building them was optimized, hundreds of runs into a process,
 * and every optimized function reading them deoptimized at once (an optimizer worker's bar
 * loop, order path and fill path, ~0.5 s of compiling again). Pushing keeps the kind.
 */
export function packedMap<T, U>(list: readonly T[], f: (x: T, i: number) => U): U[] {
  const out = anyValues<U>();
  for (let i = 0; i < list.length; i++) out.push(f(list[i], i));
  return out;
}
