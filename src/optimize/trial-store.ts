import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import type { TrialResult } from './evaluate-trial.ts';
import { paramsKey } from './sampler.ts';

type Stored = Omit<TrialResult, 'returns' | 'equity'> & { returns?: number[] };

/**
 * Trials streamed to a JSON-lines file as they finish, so an interrupted study resumes:
 * a re-run with the same settings reuses every stored trial whose number and params
 * match instead of running it again. The first line identifies the study settings.
 */
export class TrialStore {
  private readonly done = new Map<number, TrialResult>();

  constructor(readonly file: string, identity: unknown) {
    const head = JSON.stringify({ study: identity });
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
      if (lines[0] !== head) {
        throw new ConfigError(`${file} holds a different study (settings changed); delete it or choose another --study name`);
      }
      for (const [i, line] of lines.slice(1).entries()) {
        let s: Stored;
        try {
          s = JSON.parse(line) as Stored;
        } catch {
          if (i === lines.length - 2) break; // a torn last line from a crash: that trial simply runs again
          throw new ConfigError(`${file}:${i + 2}: not a JSON trial record; delete the file to start the study again`);
        }
        this.done.set(s.number, { ...s, values: s.values.map((v) => v ?? Number.NaN), ...(s.returns ? { returns: Float64Array.from(s.returns, (v) => v ?? Number.NaN) } : {}) } as TrialResult);
      }
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${head}\n`);
    }
  }

  /** Trials already stored. */
  get size(): number {
    return this.done.size;
  }

  /** The stored result of trial `number`, if its params match. */
  get(number: number, params: TrialResult['params']): TrialResult | undefined {
    const r = this.done.get(number);
    return r && paramsKey(r.params) === paramsKey(params) ? r : undefined;
  }

  add(r: TrialResult): void {
    const { returns, equity: _equity, ...rest } = r;
    const line = JSON.stringify({ ...rest, ...(returns ? { returns: Array.from(returns) } : {}) }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    appendFileSync(this.file, `${line}\n`);
    this.done.set(r.number, r);
  }
}
