// The bundle's chunks as ASCII text. V8 holds a script with any other character as two-byte
// text: decoded from UTF-8 character by character and scanned at twice the size. esbuild
// escapes strings, but keeps the characters of comments and regular expressions (one em dash
// in a comment made zod's 391 KB chunk two-byte). Every such character becomes a \uXXXX
// escape, which means the same in a comment, a string, a regular expression or an identifier;
// a template literal's raw text would change, so a chunk with one there is left as it is.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizer } from 'acorn';

const NON_ASCII = /[^\x00-\x7f]/;

/** `source` with every non-ASCII character escaped, or null when one is in a template literal. */
export function asciiOnly(source) {
  if (!NON_ASCII.test(source)) return source;
  for (const t of tokenizer(source, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true })) {
    if ((t.type.label === 'template' || t.type.label === 'invalidTemplate') && NON_ASCII.test(source.slice(t.start, t.end))) return null;
  }
  return source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Rewrites the folder's .js and .cjs files as ASCII; returns the files left as they were. */
export function asciiBundle(dir) {
  const left = [];
  for (const name of readdirSync(dir, { recursive: true }).map(String)) {
    if (!/\.c?js$/.test(name)) continue;
    const file = join(dir, name);
    const source = readFileSync(file, 'utf8');
    const ascii = asciiOnly(source);
    if (ascii === null) left.push(name);
    else if (ascii !== source) writeFileSync(file, ascii);
  }
  return left;
}
