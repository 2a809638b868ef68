import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { formatIssues } from '../core/format-issues.ts';

/** Folder holding the bundled strategies (`strategies/` at the package root). */
export const STRATEGIES_DIR = resolve(import.meta.dirname, '../../strategies');

/** Resolves `--strategy`: a folder name under strategies/ or a path to a module or folder. */
export function resolveStrategyPath(nameOrPath: string, baseDir = STRATEGIES_DIR): string {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.[cm]?[jt]s$/.test(nameOrPath);
  const candidates = looksLikePath
    ? [resolve(nameOrPath), join(resolve(nameOrPath), 'index.ts'), join(resolve(nameOrPath), 'index.js')]
    : [join(baseDir, nameOrPath, 'index.ts'), join(baseDir, nameOrPath, 'index.js')];
  for (const c of candidates) if (existsSync(c) && !c.endsWith('/')) {
    if (/\.[cm]?[jt]s$/.test(c)) return c;
  }
  throw new ConfigError(
    `strategy "${nameOrPath}" not found (looked for ${candidates.join(', ')}); ` +
    'pass a folder name under strategies/ or a path to a module exporting `strategy`', 'usage',
  );
}

/** Imports a strategy module and returns its `strategy` export. */
export async function loadStrategy(nameOrPath: string, baseDir?: string): Promise<StrategyDefinition> {
  const file = resolveStrategyPath(nameOrPath, baseDir);
  const mod = (await import(pathToFileURL(isAbsolute(file) ? file : resolve(file)).href)) as { strategy?: StrategyDefinition };
  const def = mod.strategy;
  if (!def || typeof def.create !== 'function' || !def.params) {
    throw new ConfigError(`${file} does not export \`strategy\` made with defineStrategy(...)`);
  }
  return def;
}

/** Validates raw params against a strategy's schema; defaults resolve, unknown keys fail. */
export function parseStrategyParams<S extends z.ZodObject>(def: StrategyDefinition<S>, raw: Record<string, unknown>): Readonly<z.output<S>> {
  const r = def.params.strict().safeParse(raw);
  if (!r.success) throw new ConfigError(`invalid params for strategy ${def.name}: ${formatIssues(r.error)}`, 'usage');
  return Object.freeze(r.data) as Readonly<z.output<S>>;
}
