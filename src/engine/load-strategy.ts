import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { formatIssues } from '../core/format-issues.ts';
import { didYouMean } from '../core/suggest.ts';
import { CODE_LAYOUT, packageRoot } from '../core/package-root.ts';

/** Folder holding the bundled strategies: `strategies/` at the package root, compiled in `dist/strategies/`. */
const BUNDLED = CODE_LAYOUT === 'bundle';

export const STRATEGIES_DIR = BUNDLED
  ? fileURLToPath(new URL('./strategies', import.meta.url)) // dist/bundle/strategies/NAME/index.js: bundled with the engine
  : join(packageRoot(), CODE_LAYOUT === 'compiled' ? 'dist/strategies' : 'strategies');

/**
 * Resolves `--strategy`: a path to a module or folder, or a name — a folder under
 * `strategies/` of the working directory (a user's project), else a bundled strategy.
 */
export function resolveStrategyPath(nameOrPath: string, baseDir = STRATEGIES_DIR): string {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.[cm]?[jt]s$/.test(nameOrPath);
  // This package's own strategies/ (its TypeScript sources) is not a user's project folder: the bundled ones come from baseDir.
  const project = resolve('strategies');
  const folders = project === join(packageRoot(), 'strategies') ? [baseDir] : [...new Set([project, baseDir])];
  const candidates = looksLikePath
    ? [resolve(nameOrPath), join(resolve(nameOrPath), 'index.ts'), join(resolve(nameOrPath), 'index.js')]
    : folders.flatMap((dir) => [join(dir, nameOrPath, 'index.ts'), join(dir, nameOrPath, 'index.js')]);
  for (const c of candidates) if (existsSync(c) && !c.endsWith('/')) {
    if (/\.[cm]?[jt]s$/.test(c)) return c;
  }
  const names = looksLikePath ? [] : folders.flatMap((dir) => (existsSync(dir) ? readdirSync(dir) : []));
  throw new ConfigError(
    `strategy "${nameOrPath}" not found${didYouMean(nameOrPath, names)} (looked for ${candidates.join(', ')}); ` +
    'pass a folder name under strategies/ or a path to a module exporting `strategy`', 'usage',
  );
}

/** Imports a strategy module and returns its `strategy` export. */
export async function loadStrategy(nameOrPath: string, baseDir?: string): Promise<StrategyDefinition> {
  const file = resolveStrategyPath(nameOrPath, baseDir);
  let mod: { strategy?: StrategyDefinition };
  await typeScriptLoaderFor(file);
  try {
    mod = (await import(pathToFileURL(isAbsolute(file) ? file : resolve(file)).href)) as typeof mod;
  } catch (e) {
    throw moduleProblem(e, file) ?? e;
  }
  const def = mod.strategy;
  if (!def || typeof def.create !== 'function' || !def.params) {
    throw new ConfigError(`${file} does not export \`strategy\` made with defineStrategy(...)`);
  }
  return def;
}

/**
 * The compiled command (bin/lockstep.js on dist/, and its worker threads) starts without
 * module hooks and says so with `globalThis.__lockstepCompiled`; the bundled strategies need
 * none. A strategy from elsewhere gets the hook that resolves 'lockstep' to the running copy
 * (resolve-lockstep.mjs, beside the bundle), and a .ts/.mts/.cts one tsx's loader after it.
 * Elsewhere (tsx, vitest) both are active already.
 */
async function typeScriptLoaderFor(file: string): Promise<void> {
  const g = globalThis as { __lockstepCompiled?: boolean; __lockstepHooks?: boolean; __lockstepTsRegistered?: boolean };
  if (!g.__lockstepCompiled || resolve(file).startsWith(STRATEGIES_DIR)) return;
  if (!g.__lockstepHooks) {
    (await import('node:module')).register(new URL(BUNDLED ? './resolve-lockstep.mjs' : '../data/resolve-lockstep.mjs', import.meta.url));
    g.__lockstepHooks = true;
  }
  if (g.__lockstepTsRegistered || !/\.[cm]?ts$/.test(file)) return;
  (await import('tsx/esm/api')).register();
  g.__lockstepTsRegistered = true;
}

/** A module that cannot be loaded for a reason the user can fix, as a ConfigError (null: a genuine error in it). */
function moduleProblem(e: unknown, file: string): ConfigError | null {
  const msg = (e as Error | null)?.message ?? '';
  if (/Cannot find (package|module) 'lockstep'/.test(msg)) {
    return new ConfigError(`strategy ${file} imports 'lockstep', which cannot be resolved from its folder: write it as an ES module (.ts, .mts, or .js with import) `
      + 'and run it with the lockstep command, or install lockstep into its project (npm install PATH-TO-lockstep)', 'usage');
  }
  if (/require\(\) ES Module .* in a cycle/.test(msg)) {
    return new ConfigError(`strategy ${file} was loaded as CommonJS but is an ES module: name it .mts, or add "type": "module" to its package.json`, 'usage');
  }
  return null;
}

/**
 * Each params schema made strict once: `.strict()` builds a new schema, and zod compiles a
 * new schema's parser (generated code) at its first parse — every backtest and optimizer
 * trial paid that: a 1k-bar trial took 0.87 ms, 0.49 ms without it.
 */
const strictSchemas = new WeakMap<z.ZodObject, z.ZodObject>();

function strictOf(s: z.ZodObject): z.ZodObject {
  let strict = strictSchemas.get(s);
  if (strict === undefined) {
    strict = s.strict();
    strictSchemas.set(s, strict);
  }
  return strict;
}

/** Validates raw params against a strategy's schema; defaults resolve, unknown keys fail. */
export function parseStrategyParams<S extends z.ZodObject>(def: StrategyDefinition<S>, raw: Record<string, unknown>): Readonly<z.output<S>> {
  const r = strictOf(def.params).safeParse(raw);
  if (!r.success) throw new ConfigError(`invalid params for strategy ${def.name}: ${formatIssues(r.error)}`, 'usage');
  return Object.freeze(r.data) as Readonly<z.output<S>>;
}
