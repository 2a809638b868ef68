/**
 * V8's optimized code as a process prints it (`--print-opt-code --code-comments`), read into
 * blocks: for the counters that map callgrind's per-address counts onto functions
 * (inlined-counts.mjs, bar-loop-instructions.mjs).
 */

/**
 * The optimized (TurboFan) code blocks of a `--print-opt-code --code-comments` output, in the
 * order V8 made them: each one's function name, the functions inlined into it, and its
 * instructions (address, text, and the inlining id of a deopt exit's comment, if any).
 */
export function optimizedBlocks(printed) {
  const blocks = [];
  for (const text of printed.split('--- Raw source ---').slice(1)) {
    if (!/\nkind = TURBOFAN\n/.test(text)) continue;
    const parts = text.split(/\nInstructions \(size = \d+\)\n/);
    if (parts.length < 2) continue;
    const list = /Inlined functions \(count = \d+\)\n((?: 0x[0-9a-f]+ <SharedFunctionInfo.*>\n)*)/.exec(text);
    const inlined = list === null ? [] : [...list[1].matchAll(/<SharedFunctionInfo ?(.*)>/g)].map((m) => m[1] || '(anonymous)');
    const code = [];
    for (const line of parts[1].split('\n')) {
      if (/^(Inlined functions|Safepoints|Deoptimization)/.test(line)) break;
      const ins = /^0x([0-9a-f]+)\s+[0-9a-f]+\s+\S+\s+(.*)$/.exec(line);
      if (ins !== null) code.push({ addr: Number.parseInt(ins[1], 16), text: ins[2], inlining: null });
      const at = code[code.length - 1];
      const inlining = /deopt position, inlining id '([0-9a-f]+)'/.exec(line);
      if (inlining !== null && at !== undefined) at.inlining = inlining[1] === 'ffffffff' ? -1 : Number.parseInt(inlining[1], 16);
    }
    if (code.length > 0) blocks.push({ name: /\nname = (.*)\n/.exec(text)?.[1] ?? '?', inlined, code });
  }
  return blocks;
}
