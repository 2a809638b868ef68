import { describe, expect, it } from 'vitest';
import { z } from '../index.ts';

describe('the project\'s zod', () => {
  it('is jitless: no parser compiled with new Function on a schema\'s first parse', () => {
    expect(z.config().jitless).toBe(true);
    const compiled: string[] = [];
    const real = globalThis.Function;
    globalThis.Function = new Proxy(real, { construct: (t, args) => { compiled.push(String(args.at(-1))); return Reflect.construct(t, args); } });
    try {
      z.strictObject({ a: z.number(), b: z.string().optional() }).parse({ a: 1 });
    } finally {
      globalThis.Function = real;
    }
    expect(compiled).toEqual([]);
  });
});
