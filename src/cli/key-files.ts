import { readFileSync } from 'node:fs';
import { UsageError } from './usage-error.ts';

/**
 * API keys are read here and nowhere else. Errors name the file and the line, never the
 * content: a JSON parse error from V8 quotes the text around the fault, which for a keys
 * file is the secret itself.
 */

/** Reads a JSON keys file; a read or parse error names the file (and line), not the text. */
export function readKeysJson(file: string, command: string, expected: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${command}: cannot read the keys file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${command}: the keys file ${file} is not valid JSON (line ${jsonErrorLine(text)}); expected ${expected}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${command}: the keys file ${file} must hold one JSON object; expected ${expected}`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The 1-based line where `text` stops being valid JSON: the longest prefix that is still a
 * valid beginning (it fails only for lack of an ending) stops just before the first wrong
 * character. Found by
 * bisection; the parser's own message is never shown.
 */
export function jsonErrorLine(text: string): number {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (validPrefix(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo).split('\n').length; // the character at `lo` is the first wrong one
}

function validPrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const msg = (e as Error).message;
    if (msg.includes('end of JSON input')) return true;
    const pos = /at position (\d+)/.exec(msg);
    return pos !== null && Number(pos[1]) >= prefix.length;
  }
}

/**
 * Loopback keys from `key:secret,key2:secret2`. A pair that is not exactly two non-empty
 * parts is refused (a secret containing ':' would otherwise be cut short silently); the
 * error gives the pair's position and its key, never the secret.
 */
export function parseKeyPairs(spec: string, source: string): Map<string, string> {
  const keys = new Map<string, string>();
  spec.split(',').forEach((pair, i) => {
    if (pair.trim() === '') return;
    const parts = pair.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      const key = parts[0] ? ` (key ${parts[0]})` : '';
      throw new UsageError(`${source}: entry ${i + 1}${key} is not key:secret — use key:secret pairs separated by commas, with no ':' or ',' inside a key or secret (or use --keys-file)`);
    }
    keys.set(parts[0], parts[1]);
  });
  return keys;
}
