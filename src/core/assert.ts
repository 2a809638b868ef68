import { InvariantError } from './errors.ts';

/** Throws an InvariantError when `condition` is false; for states that can only come from a bug. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
