/** A plotly figure: traces and layout, rendered into a div with this id. */
export interface Figure {
  readonly id: string;
  readonly title: string;
  readonly data: readonly Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

/** Shared layout defaults: compact margins, UTC date axis, legend on top. */
export function baseLayout(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    margin: { l: 60, r: 20, t: 30, b: 40 },
    height: 320,
    font: { family: 'system-ui, sans-serif', size: 12 },
    legend: { orientation: 'h', y: 1.12 },
    hovermode: 'x unified',
    ...extra,
  };
}

/** µs timestamps → ms numbers for plotly date axes. */
export function msOf(ts: ArrayLike<number>): number[] {
  return Array.from(ts, (t) => t / 1000);
}
