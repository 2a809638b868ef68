import type { ZodType } from 'zod';
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

/**
 * Checks every value a search space can propose against the strategy's parameter schema
 * (with the fixed `--param` values), before any trial runs: a misspelled parameter or a
 * value of the wrong kind (`period=10-40`, meant as 10:40) would otherwise fail or
 * mislead every trial. Ranges are checked at both ends.
 */
export function checkSpace(space: SearchSpace, schema: ZodType, fixed: Record<string, unknown>, strategy: string): void {
  const known = schemaKeys(schema);
  for (const [k, spec] of Object.entries(space.params)) {
    if (known !== null && !known.includes(k)) {
      throw new ConfigError(`--grid ${k}: strategy ${strategy} has no parameter ${k} (its parameters: ${known.join(', ') || 'none'})`, 'usage');
    }
    const values = spec.type === 'categorical' ? spec.choices : [spec.low, spec.high];
    for (const v of values) {
      const r = schema.safeParse({ ...fixed, [k]: v });
      // Type and range errors of this value; a rule across parameters ("fast < slow", a custom
      // refinement) depends on the other values of the trial and is the sampler's to respect.
      const issue = r.success ? undefined : r.error.issues.find((i) => i.code !== 'custom' && (i.path[0] === k || i.path.length === 0));
      if (issue) {
        const hint = typeof v === 'string' && /^-?\d+(\.\d+)?-\d/.test(v) ? ` ("${v}" looks like a range: write ${k}=${v.replace(/(\d)-/, '$1:')})` : '';
        throw new ConfigError(`--grid ${k}=${String(v)}: ${issue.path.join('.') || k}: ${issue.message}${hint}`, 'usage');
      }
    }
  }
}

/** The keys of an object schema (null when it is not one). */
function schemaKeys(schema: ZodType): string[] | null {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : null;
}
