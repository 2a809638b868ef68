/** A parameter value a search can propose. */
export type ParamValue = number | string | boolean;

/** The range of one parameter. */
export type ParamSpec =
  /** Integers low..high (inclusive) on a grid of `step` (default 1), optionally log-uniform. */
  | { readonly type: 'int'; readonly low: number; readonly high: number; readonly step?: number; readonly log?: boolean }
  /** Reals in [low, high], on a grid of `step` when given, optionally log-uniform. */
  | { readonly type: 'float'; readonly low: number; readonly high: number; readonly step?: number; readonly log?: boolean }
  /** One of a fixed list. */
  | { readonly type: 'categorical'; readonly choices: readonly ParamValue[] };

/** A named rule between parameters, e.g. `fast < slow`. */
export interface ParamConstraint {
  /** Shown when a proposal breaks the rule. */
  readonly name: string;
  readonly check: (params: Readonly<Record<string, ParamValue>>) => boolean;
}

/** Where an optimizer may look: parameter ranges plus constraints between them. */
export interface SearchSpace {
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly constraints?: readonly ParamConstraint[];
}

/** Names of the constraints `params` breaks (empty when feasible). */
export function brokenConstraints(space: SearchSpace, params: Readonly<Record<string, ParamValue>>): string[] {
  return (space.constraints ?? []).filter((c) => !c.check(params)).map((c) => c.name);
}
