import { BaseError, DuplicateOrderId, InsufficientFunds, InvalidOrder, OperationFailed, OrderImmediatelyFillable, OrderNotFound } from 'ccxt';

/** What a failed ccxt call means for an order. */
export const CcxtFailure = {
  /**
   * No answer, or an answer that says nothing about the order (timeout, disconnect, rate
   * limit, clock skew, a reply ccxt could not read, a cancel still pending): the outcome is unknown.
   */
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

/**
 * Binance answers a duplicate client order id with -2010 "Duplicate order sent.", which
 * ccxt raises as a plain InvalidOrder: this exact text is how the venue says it.
 */
const BINANCE_DUPLICATE = 'Duplicate order sent.';

/**
 * Classifies an error thrown by a ccxt call by ccxt's own exception classes; null when it
 * is not a ccxt error at all (a bug: the caller must rethrow it, never treat it as a
 * venue answer). Lockstep loads ccxt as an ES module everywhere (its CommonJS build has
 * classes of its own, which `instanceof` would not recognise); this module is only loaded
 * with the live client, so importing `lockstep` does not load ccxt.
 */
export function classifyCcxtError(e: unknown): CcxtFailure | null {
  if (!(e instanceof BaseError)) return isSocketError(e) ? CcxtFailure.unknown : null;
  // ccxt's OperationFailed: its NetworkError family, BadResponse (a reply it could not read) and CancelPending —
  // the request may have been carried out, or still be.
  if (e instanceof OperationFailed) return CcxtFailure.unknown;
  if (e instanceof DuplicateOrderId || (e instanceof InvalidOrder && e.message.includes(BINANCE_DUPLICATE))) return CcxtFailure.duplicate;
  if (e instanceof OrderNotFound) return CcxtFailure.notFound;
  if (e instanceof InsufficientFunds) return CcxtFailure.insufficientFunds;
  if (e instanceof OrderImmediatelyFillable) return CcxtFailure.wouldTakeOrTrigger;
  return CcxtFailure.refused;
}

/** Socket-level failures some ccxt paths pass through unwrapped (a refused or reset connection): the outcome is unknown. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

function isSocketError(e: unknown): boolean {
  for (let x = e as { code?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 4; x = x.cause as typeof x, depth++) {
    if (typeof x.code === 'string' && SOCKET_CODES.has(x.code)) return true;
  }
  return e instanceof Error && /socket hang up|fetch failed|ECONNREFUSED|ECONNRESET/.test(e.message);
}

/** A ccxt error's message without the exchange-id prefix ccxt adds, shortened for a reason field. */
export function ccxtMessage(e: unknown): string {
  return String((e as Error).message ?? e).replace(/^\w+ /, '').slice(0, 200);
}
