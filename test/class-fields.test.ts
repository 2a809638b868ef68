import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? jsFiles(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

/** Lines of compiled code that declare a class field with no value (`name;`, not a statement such as `break;`): it starts as undefined. */
function bareFieldDeclarations(tree: string): string[] {
  const found: string[] = [];
  for (const file of jsFiles(join(tree, 'dist/src'))) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (/^\s+(static\s+)?(?!(?:break|continue|return|debugger)\b)[A-Za-z_$#][\w$]*;\s*$/.test(line)) found.push(`${relative(tree, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

describe('the compiled classes (npm run build)', () => {
  it('set each field first to its value, not to undefined (tsconfig: useDefineForClassFields false)', () => {
    // Under ES2022's define semantics a field declared without a value, or as a constructor
    // parameter, is first defined as undefined and set in the constructor after. V8 then keeps a
    // boolean or number field as "any value": each read of a flag tests every kind of truthy value
    // (~10 instructions), each read of a number checks and unboxes it. Set semantics (assignments
    // in the constructor) took a 1M-bar ma-cross run's bar loop from 868 to 825 instructions a bar
    // and optimizer trials' from 635 to 599 (bench/bar-loop-instructions.mjs).
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { useDefineForClassFields?: boolean } };
    expect(tsconfig.compilerOptions.useDefineForClassFields).toBe(false);
    expect(bareFieldDeclarations(ROOT)).toEqual([]);
  });
});
