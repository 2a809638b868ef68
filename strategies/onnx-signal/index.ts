import { BarFeatures, defineStrategy, SignalModel, z, type Context } from 'lockstep';

/**
 * Trades the probability of an ONNX classifier (models/NAME.onnx + its card) computed on
 * the bar features of the shared feature module. Bars come from bar data (onBar) or are
 * built from trades (`barSeconds`), so the same code runs on bars, ticks and live feeds.
 * Long when p > `enter`, out (or short) when p < `exit`; inference time can be charged to
 * the simulated clock (orders leave after it).
 */
export const strategy = defineStrategy({
  name: 'onnx-signal',
  description: 'Trades an ONNX model probability on the shared bar features (bars or trade-built bars)',
  params: z.strictObject({
    /** ONNX model path; its card NAME.json must sit next to it. */
    model: z.string().min(1).default('models/btc-1m-logreg.onnx'),
    /** Go long when p rises above this. */
    enter: z.number().min(0).max(1).default(0.53),
    /** Leave the long (or go short) when p falls below this. */
    exit: z.number().min(0).max(1).default(0.47),
    /** Short below `exit` instead of going flat. */
    allowShort: z.boolean().default(false),
    /** Position size. */
    size: z.number().positive().default(0.1),
    /** Bar length for trade data (seconds); bar data is used as it comes. */
    barSeconds: z.number().positive().default(60),
    /** Delay orders by the measured inference time (backtests: the clock moves on). */
    chargeInference: z.boolean().default(false),
  }).refine((p) => p.exit <= p.enter, { message: 'exit must be ≤ enter' }),
  create(p) {
    const features = new BarFeatures();
    const model = SignalModel.load(p.model, features.names);
    let target = 0;
    let pending = Number.NaN;
    // Trade-built bar.
    let bucket = Number.NaN;
    let high = 0, low = 0, close = 0, volume = 0;

    const trade = (ctx: Context, want: number) => {
      const diff = want - ctx.position();
      if (Math.abs(diff) < 1e-12 || ctx.hasOpenOrders()) return;
      if (diff > 0) ctx.buy(diff);
      else ctx.sell(-diff);
    };
    const onBarClosed = (ctx: Context, h: number, l: number, c: number, v: number) => {
      if (!features.update(h, l, c, v)) return;
      const t0 = performance.now();
      const prob = model.predict(features.values);
      const micros = (performance.now() - t0) * 1000;
      if (prob > p.enter) target = p.size;
      else if (prob < p.exit) target = p.allowShort ? -p.size : 0;
      if (p.chargeInference) {
        pending = target;
        ctx.setTimer('onnx-signal:inference', ctx.now() + Math.max(1, Math.ceil(micros)));
      } else trade(ctx, target);
    };
    return {
      onBar(bar, ctx) {
        onBarClosed(ctx, bar.high, bar.low, bar.close, bar.volume);
      },
      onTrade(t, ctx) {
        const b = Math.floor(t.tsLocal / (p.barSeconds * 1e6));
        if (b !== bucket) {
          if (!Number.isNaN(bucket)) onBarClosed(ctx, high, low, close, volume);
          bucket = b;
          high = low = t.price;
          volume = 0;
        }
        if (t.price > high) high = t.price;
        if (t.price < low) low = t.price;
        close = t.price;
        volume += t.qty;
      },
      onTimer(timer, ctx) {
        if (timer.name !== 'onnx-signal:inference' || Number.isNaN(pending)) return;
        trade(ctx, pending);
        pending = Number.NaN;
      },
    };
  },
});
