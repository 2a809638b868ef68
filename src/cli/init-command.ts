import { existsSync, readFileSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { makeDir } from '../core/files.ts';
import { packageRoot } from '../core/package-root.ts';
import { isHelp, parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

const PACKAGE_ROOT = packageRoot();
const TEMPLATES = join(PACKAGE_ROOT, 'templates');

export const INIT_HELP = `lockstep init DIR [--strategy NAME] [--lockstep SPEC]
lockstep new strategy NAME [--dir DIR]

init: scaffolds a research project in DIR (created; it must be empty if it exists):
package.json depending on lockstep (SPEC: a version range, a path or a tarball; default
this version), tsconfig.json, strategies/NAME/ (default my-strategy, as \`new strategy\`
writes it), data/sample.csv (a year of daily bars), notebooks/research.ipynb, a session
config lockstep.config.json and .gitignore. Then: cd DIR && npm install && npm test.
new strategy: writes strategies/NAME/ (or DIR/NAME/): index.ts (a params schema, a search
space and the strategy), README.md and NAME.test.ts (node:test: an independent accounting
check on the sample data). \`--strategy NAME\` finds it from the project's folder.`;

/** `name` as a folder/package name: lower-case letters, digits and '-', starting with a letter. */
function checkName(name: string, what: string): string {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(name)) throw new UsageError(`${what} "${name}" must be lower-case letters, digits and '-', starting with a letter (e.g. my-strategy)`);
  return name;
}

const fill = (text: string, vars: Record<string, string>) => text.replace(/__([A-Z]+)__/g, (m, k: string) => vars[k] ?? m);

/** Writes a strategy folder from the template; returns its path. */
export async function newStrategy(name: string, dir: string): Promise<string> {
  checkName(name, 'strategy name');
  const target = resolve(dir, name);
  if (existsSync(target)) throw new ConfigError(`${target} already exists: choose another name or remove it`, 'usage');
  await makeDir(target);
  const vars = { NAME: name };
  await writeFile(join(target, 'index.ts'), fill(await readFile(join(TEMPLATES, 'strategy', 'index.ts.tmpl'), 'utf8'), vars));
  await writeFile(join(target, 'README.md'), fill(await readFile(join(TEMPLATES, 'strategy', 'README.md.tmpl'), 'utf8'), vars));
  await writeFile(join(target, `${name}.test.ts`), fill(await readFile(join(TEMPLATES, 'strategy', 'test.ts.tmpl'), 'utf8'), vars));
  return target;
}

/** Scaffolds a project; returns the files written (relative to it). */
export async function initProject(dir: string, o: { strategy?: string; lockstep?: string } = {}): Promise<string[]> {
  const root = resolve(dir);
  if (existsSync(root) && (await readdir(root)).length > 0) throw new ConfigError(`${root} is not empty: lockstep init writes into a new or empty folder`, 'usage');
  const strategy = checkName(o.strategy ?? 'my-strategy', '--strategy');
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const vars = { NAME: checkName(basename(root).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '') || 'research', 'project name'), STRATEGY: strategy, LOCKSTEP: o.lockstep ?? `^${version}` };
  const project = join(TEMPLATES, 'project');
  for (const [from, to] of [['package.json.tmpl', 'package.json'], ['tsconfig.json', 'tsconfig.json'], ['lockstep.config.json.tmpl', 'lockstep.config.json'],
    ['README.md.tmpl', 'README.md'], ['gitignore', '.gitignore'], ['notebooks/research.ipynb.tmpl', 'notebooks/research.ipynb']] as const) {
    await makeDir(join(root, to, '..'));
    await writeFile(join(root, to), fill(await readFile(join(project, from), 'utf8'), vars));
  }
  await makeDir(join(root, 'data'));
  await copyFile(join(PACKAGE_ROOT, 'data', 'sample', '2006-day-001.csv'), join(root, 'data', 'sample.csv'));
  const s = await newStrategy(strategy, join(root, 'strategies'));
  return ['package.json', 'tsconfig.json', 'lockstep.config.json', 'README.md', '.gitignore', 'notebooks/research.ipynb', 'data/sample.csv',
    ...(await readdir(s)).map((f) => relative(root, join(s, f)))];
}

export async function initCommand(argv: string[], out: (s: string) => void): Promise<number> {
  if (argv.some(isHelp)) {
    out(INIT_HELP);
    return 0;
  }
  const { values, positionals } = parseFlags(argv, { strategy: { type: 'string' }, lockstep: { type: 'string' } }, 'init');
  if (positionals.length !== 1) throw new UsageError('init: give the project folder, e.g. lockstep init my-research (see lockstep init --help)');
  const files = await initProject(positionals[0], { strategy: values.strategy, lockstep: values.lockstep });
  out(`created ${resolve(positionals[0])}: ${files.join(', ')}`);
  out(`next: cd ${positionals[0]} && npm install && npm test && npx lockstep backtest --strategy ${values.strategy ?? 'my-strategy'} --data data/sample.csv`);
  return 0;
}

export async function newCommand(argv: string[], out: (s: string) => void): Promise<number> {
  if (argv.some(isHelp)) {
    out(INIT_HELP);
    return 0;
  }
  const { values, positionals } = parseFlags(argv, { dir: { type: 'string' } }, 'new');
  if (positionals[0] !== 'strategy' || positionals.length !== 2) throw new UsageError('new: lockstep new strategy NAME [--dir DIR] (see lockstep new --help)');
  const target = await newStrategy(positionals[1], values.dir ?? 'strategies');
  out(`created ${target}: index.ts, README.md, ${positionals[1]}.test.ts (run it: lockstep backtest --strategy ${positionals[1]} --data FILE)`);
  return 0;
}
