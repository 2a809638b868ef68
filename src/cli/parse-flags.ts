import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../core/suggest.ts';
import { UsageError } from './usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line UsageErrors. */
export function parseFlags<O extends Options>(argv: string[], options: O, command: string): ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>> {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: true });
  } catch (e) {
    const first = (e as Error).message.split('\n')[0];
    const unknown = /Unknown option '(--?[^']+)'/.exec(first)?.[1];
    const msg = unknown ? `unknown option ${unknown}` : first;
    const hint = unknown ? didYouMean(unknown, Object.keys(options).map((k) => `--${k}`)) : '';
    throw new UsageError(`${msg}${hint} (see lockstep ${command} --help)`);
  }
}

/**
 * `--cash -5`: parseArgs takes "-5" for an option and reports the flag "ambiguous". A value
 * that reads as a negative number after a flag expecting a value is joined to it
 * (`--cash=-5`), so it reaches the flag's own check.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && /^-(\d|\.\d)/.test(argv[i + 1] ?? '')) {
      out.push(`${a}=${argv[++i]}`);
    } else out.push(a);
  }
  return out;
}

/** `--help` or `-h`. */
export function isHelp(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/** Parses a numeric flag, naming the flag on error. */
export function numberFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} expects a number, got "${value}"`);
  return n;
}

/** A TCP port flag: a whole number 0–65535 (0: any free port). */
export function portFlag(value: string | undefined, flag = 'port'): number | undefined {
  const n = numberFlag(value, flag);
  if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 65535)) throw new UsageError(`--${flag} expects a port number 0–65535 (0: any free port), got "${value}"`);
  return n;
}

/** `k=v` pairs to an object; values that read as JSON (numbers, booleans) are converted. */
export function keyValues(pairs: readonly string[] | undefined, flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} expects key=value, got "${p}"`);
    const key = p.slice(0, eq);
    // An object's own machinery, not a name: `out.__proto__ = v` would drop the value silently.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new UsageError(`--${flag} ${key}: "${key}" cannot be a parameter name`);
    const raw = p.slice(eq + 1);
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      v = raw;
    }
    out[key] = v;
  }
  return out;
}

/** An enumerated flag: its value when it is one of `allowed`; a usage error naming them otherwise. */
export function enumFlag<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}

/** Reads a JSON config file; a missing or malformed file is a one-line error naming it. */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    // "$schema" points editors at `lockstep config schema`; it is not part of the config.
    const { $schema: _schema, ...config } = v as Record<string, unknown>;
    void _schema;
    return config;
  } catch (e) {
    throw new UsageError(`config ${path} is not a JSON object: ${(e as Error).message}`);
  }
}
