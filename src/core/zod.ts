import { z } from 'zod';

/**
 * zod, configured once for the whole project (every module takes `z` from here). Jitless:
 * otherwise zod compiles a parser for each object schema with `new Function` on its first
 * parse — ~4 ms of a one-off `lockstep backtest` for the session config alone, where a config
 * is parsed once (an optimizer trial's config parse: ~25 µs instead of ~15, a thousand
 * trials ~10 ms).
 */
z.config({ jitless: true });

export { z };
