import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | null = null;

/** Where the page gets plotly.js: inlined (one self-contained file), or a script file beside it (`src`, relative). */
export type PlotlyScript = { readonly inline: true } | { readonly src: string };

/** The installed plotly.js's file. */
export function plotlyFile(): string {
  return createRequire(import.meta.url).resolve('plotly.js-dist-min');
}

/** Its version (names the shared copy, so reports of different versions never mix). */
export function plotlyVersion(): string {
  return (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min/package.json'), 'utf8')) as { version: string }).version;
}

/** The minified plotly.js bundled with the package, ready to inline in a <script>. */
export function plotlySource(): string {
  cached ??= readFileSync(plotlyFile(), 'utf8').replace(/<\/script/gi, '<\\/script');
  return cached;
}
