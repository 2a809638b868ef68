import { createRequire } from 'node:module';

/** What a failed ccxt call means for an order. */
export const CcxtFailure = {
  /** No answer, or an answer that says nothing about the order (timeout, disconnect, rate limit, clock skew): the outcome is unknown. */
  unknown: 'unknown',
  /** The exchange already has an open order with this client id (an earlier attempt arrived). */
  duplicate: 'duplicate',
  /** The exchange has no such (open) order: it finished or never existed. */
  notFound: 'not-found',
  insufficientFunds: 'insufficient-funds',
  /** A post-only order would take liquidity, or a stop would trigger at once. */
  wouldTakeOrTrigger: 'would-take-or-trigger',
  /** Any other refusal of the request by the exchange. */
  refused: 'refused',
} as const;
export type CcxtFailure = (typeof CcxtFailure)[keyof typeof CcxtFailure];

type ErrorClass = abstract new (...args: never[]) => Error;
interface CcxtErrors {
  BaseError: ErrorClass; NetworkError: ErrorClass; InvalidOrder: ErrorClass; OrderNotFound: ErrorClass;
  DuplicateOrderId: ErrorClass; InsufficientFunds: ErrorClass; OrderImmediatelyFillable: ErrorClass;
}

let classes: CcxtErrors | null = null;

/** ccxt's exception classes, loaded on first use (ccxt is only loaded by live sessions). */
function ccxtErrors(): CcxtErrors {
  classes ??= createRequire(import.meta.url)('ccxt') as CcxtErrors;
  return classes;
}

/**
 * Binance answers a duplicate client order id with -2010 "Duplicate order sent.", which
 * ccxt raises as a plain InvalidOrder: this exact text is how the venue says it.
 */
const BINANCE_DUPLICATE = 'Duplicate order sent.';

/**
 * Classifies an error thrown by a ccxt call by ccxt's own exception classes; null when it
 * is not a ccxt error at all (a bug: the caller must rethrow it, never treat it as a
 * venue answer).
 */
export function classifyCcxtError(e: unknown): CcxtFailure | null {
  const c = ccxtErrors();
  const is = (cls: ErrorClass): boolean => e instanceof cls;
  if (!is(c.BaseError)) return null;
  if (is(c.NetworkError)) return CcxtFailure.unknown;
  if (is(c.DuplicateOrderId) || (is(c.InvalidOrder) && (e as Error).message.includes(BINANCE_DUPLICATE))) return CcxtFailure.duplicate;
  if (is(c.OrderNotFound)) return CcxtFailure.notFound;
  if (is(c.InsufficientFunds)) return CcxtFailure.insufficientFunds;
  if (is(c.OrderImmediatelyFillable)) return CcxtFailure.wouldTakeOrTrigger;
  return CcxtFailure.refused;
}

/** A ccxt error's message without the exchange-id prefix ccxt adds, shortened for a reason field. */
export function ccxtMessage(e: unknown): string {
  return String((e as Error).message ?? e).replace(/^\w+ /, '').slice(0, 200);
}
