import { ConfigError } from '../core/errors.ts';
import type { ParamSpec, ParamValue, SearchSpace } from '../core/search-space.ts';

const num = (s: string, flag: string): number => {
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`--grid ${flag}: "${s}" is not a number`);
  return n;
};

function scalar(s: string): ParamValue {
  if (s === 'true' || s === 'false') return s === 'true';
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

/**
 * Parses one `--grid` declaration:
 *   `k=LOW:HIGH[:STEP]`  ints when LOW/HIGH/STEP are integers, else floats;
 *   `k=LOW:HIGH:log`     log-uniform (ints or floats);
 *   `k=a,b,c`            categorical (numbers stay numbers);
 *   `k=v`                a fixed value.
 */
export function parseGridFlag(text: string): [string, ParamSpec] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--grid expects name=LOW:HIGH[:STEP] or name=a,b,c, got "${text}"`);
  const name = text.slice(0, eq).trim();
  const body = text.slice(eq + 1).trim();
  if (body.includes(':')) {
    const parts = body.split(':');
    if (parts.length < 2 || parts.length > 3) throw new ConfigError(`--grid ${text}: write ${name}=LOW:HIGH[:STEP|:log]`);
    const low = num(parts[0], text);
    const high = num(parts[1], text);
    if (!(high >= low)) throw new ConfigError(`--grid ${text}: HIGH must be ≥ LOW`);
    const log = parts[2] === 'log';
    const step = parts[2] !== undefined && !log ? num(parts[2], text) : undefined;
    if (step !== undefined && !(step > 0)) throw new ConfigError(`--grid ${text}: STEP must be > 0`);
    if (log && !(low > 0)) throw new ConfigError(`--grid ${text}: a log range needs LOW > 0`);
    const isInt = Number.isInteger(low) && Number.isInteger(high) && (step === undefined || Number.isInteger(step));
    const spec: ParamSpec = isInt
      ? { type: 'int', low, high, ...(step !== undefined ? { step } : {}), ...(log ? { log } : {}) }
      : { type: 'float', low, high, ...(step !== undefined ? { step } : {}), ...(log ? { log } : {}) };
    return [name, spec];
  }
  const choices = body.split(',').map((s) => scalar(s.trim()));
  if (choices.length === 0 || body === '') throw new ConfigError(`--grid ${text}: no values`);
  return [name, { type: 'categorical', choices }];
}

/** The search space of a run: `--grid` declarations override the strategy's declared space. */
export function spaceFromFlags(grids: readonly string[], declared: SearchSpace | undefined): SearchSpace {
  if (grids.length === 0) {
    if (!declared) throw new ConfigError('no search space: pass --grid name=LOW:HIGH[:STEP] (the strategy declares none)');
    return declared;
  }
  const params: Record<string, ParamSpec> = {};
  for (const g of grids) {
    const [k, spec] = parseGridFlag(g);
    if (k in params) throw new ConfigError(`--grid ${k} is given twice`);
    params[k] = spec;
  }
  // The strategy's constraints still apply when all the params they read are searched or fixed by defaults.
  return { params, ...(declared?.constraints ? { constraints: declared.constraints } : {}) };
}
