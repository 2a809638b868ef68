import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | null = null;

/** The minified plotly.js bundled with the package (inlined so reports open offline). */
export function plotlySource(): string {
  if (cached === null) {
    const file = createRequire(import.meta.url).resolve('plotly.js-dist-min');
    cached = readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return cached;
}
