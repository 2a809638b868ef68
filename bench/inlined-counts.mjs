/**
 * Instructions inside V8's optimized code, split by the function inlined there, and the calls
 * that code makes (into builtins and other functions): for the order-cycle counter's
 * `--inlined` mode, where one optimized function (`OrderFlow.apply`, `submitNow`) holds a dozen
 * inlined ones and its own total says nothing of which.
 *
 * Input: a callgrind file written with `--dump-instr=yes` (instructions per address) and the
 * process's `--print-opt-code --code-comments` output. Every check in optimized code jumps to a
 * deopt exit commented with its source position and inlining id (the function it is in); each instruction is counted for
 * the function of the last check before it (the code after a check up to the next one: exact
 * for straight-line code, approximate where code of two functions interleaves). The last
 * compilation of a function holds its addresses (V8 reuses dropped code's memory: see
 * callgrind.mjs); the earlier ones are skipped.
 */
import { addressCounts } from './callgrind.mjs';
import { optimizedBlocks } from './v8-printed-code.mjs';

/** A call's target as printed: a builtin's name, or a JavaScript function called through a register. */
function calleeOf(target) {
  const builtin = /\((\w+)\)/.exec(target);
  return builtin !== null ? builtin[1] : `a function through ${target.trim()}`;
}

/**
 * `inlined`: instructions per "optimized function :: inlined function" (the function's own code
 * under its own name); `calls`: inclusive instructions per call site, "function :: callee".
 */
export function inlinedCounts(callgrindFile, printedCode) {
  const blocks = optimizedBlocks(printedCode);
  const latest = new Map();
  blocks.forEach((b, i) => { for (const c of b.code) latest.set(c.addr, i); });
  const { own, calls } = addressCounts(callgrindFile);
  const inlined = new Map();
  const callSites = new Map();
  const add = (m, k, n) => m.set(k, (m.get(k) ?? 0) + n);
  blocks.forEach((b, i) => {
    const exits = new Map(b.code.filter((c) => c.inlining !== null).map((c) => [c.addr, c.inlining]));
    let fn = b.name;
    for (const c of b.code) {
      const jump = /<\+0x([0-9a-f]+)>/.exec(c.text);
      const target = jump === null ? undefined : exits.get(b.code[0].addr + Number.parseInt(jump[1], 16));
      if (target !== undefined) fn = target === -1 ? b.name : b.inlined[target] ?? '?';
      if (latest.get(c.addr) !== i) continue;
      add(inlined, `${b.name} :: ${fn}`, own.get(c.addr) ?? 0);
      const call = /^call (.*?)(?:\s+;;.*)?$/.exec(c.text);
      if (call !== null && !/[Dd]eopt/.test(call[1])) add(callSites, `${b.name} :: ${calleeOf(call[1])}`, calls.get(c.addr) ?? 0);
    }
  });
  return { inlined, calls: callSites };
}
