/**
 * Makes `target[name]` the value `build` returns when it is first read; from then on it is a
 * plain data property holding that value (JSON.stringify and structuredClone read it like any
 * other). For parts of a result most readers never look at, built only for those that do.
 */
export function builtOnRead<T extends object>(target: T, name: PropertyKey, build: () => unknown): T {
  let make: (() => unknown) | null = build;
  Object.defineProperty(target, name, {
    enumerable: true, configurable: true,
    get: () => {
      const value = make!();
      make = null;
      Object.defineProperty(target, name, { value, enumerable: true, configurable: true, writable: false });
      return value;
    },
  });
  return target;
}
