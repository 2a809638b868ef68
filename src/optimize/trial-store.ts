import { appendFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { asFileError, makeDirSync } from '../core/files.ts';
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
      const text = repairTornEnd(file);
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      if (lines[0] !== head) {
        throw new ConfigError(`${file} holds a different study (settings changed); delete it or choose another --study name`);
      }
      for (const [i, line] of lines.slice(1).entries()) {
        let s: Stored;
        try {
          s = JSON.parse(line) as Stored;
        } catch {
          throw new ConfigError(`${file}:${i + 2}: not a JSON trial record; delete the file to start the study again`);
        }
        this.done.set(s.number, trialFromJson(s));
      }
    } else {
      makeDirSync(dirname(file));
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
    const line = JSON.stringify(trialToJson(r));
    try {
      appendFileSync(this.file, `${line}\n`); // one write: a crash can tear only the last line, which the next open cuts off
    } catch (e) {
      throw asFileError(e, this.file, 'append a trial to');
    }
    this.done.set(r.number, r);
  }
}

/** A trial result as JSON-safe data: returns as a plain array, no equity, NaN/±∞ as null. */
export function trialToJson(r: TrialResult): Record<string, unknown> {
  const { returns, equity: _equity, ...rest } = r;
  void _equity;
  return JSON.parse(JSON.stringify({ ...rest, ...(returns ? { returns: Array.from(returns) } : {}) }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as Record<string, unknown>;
}

/** The trial result `trialToJson` wrote (nulls back to NaN where numbers belong). */
export function trialFromJson(data: unknown): TrialResult {
  const s = data as Stored;
  const nan = (v: number | null) => v ?? Number.NaN;
  const metrics = s.metrics === null ? null : Object.fromEntries(Object.entries(s.metrics).map(([k, v]) => [k, nan(v as number | null)]));
  return { ...s, finalValue: nan(s.finalValue as number | null), metrics, values: s.values.map((v) => nan(v)), ...(s.returns ? { returns: Float64Array.from(s.returns, (v) => nan(v)) } : {}) } as TrialResult;
}

/**
 * A crash or a full disk can leave the last record half-written (no newline at the end, or
 * not JSON). It is cut off before anything is appended — that trial simply runs again —
 * so a torn line never ends up in the middle of the file. Returns the repaired text.
 */
function repairTornEnd(file: string): string {
  const text = readFileSync(file, 'utf8');
  const cut = text.endsWith('\n') ? text.lastIndexOf('\n', text.length - 2) + 1 : text.lastIndexOf('\n') + 1;
  const last = text.slice(cut).trim();
  let whole = text.endsWith('\n');
  if (whole && cut > 0) {
    try {
      JSON.parse(last);
    } catch {
      whole = false;
    }
  }
  if (whole || cut === 0) return text;
  truncateSync(file, Buffer.byteLength(text.slice(0, cut)));
  return text.slice(0, cut);
}
