// The paths a piece of code reads of an object, found by running it on a Proxy that records each
// field it asks for (present or not): the property tests then put arbitrary JSON at every one.

/** A path's steps: field names, and `[]` for every entry of a list. */
export type Steps = readonly string[];

// What code asks of any object or list that is no field of the JSON it holds.
const NOT_FIELDS = new Set([...Object.getOwnPropertyNames(Object.prototype), "then", "toJSON"]);
const LIST_KEYS = new Set(Object.getOwnPropertyNames(Array.prototype));

/**
 * Every path `run` reads of `object` (through the proxy it is given): the fields it gets, spreads
 * or tests with `in`, in the order first read, each once.
 */
export async function readPaths(object: object, run: (proxy: object) => unknown): Promise<Steps[]> {
  const seen = new Map<string, Steps>();
  const proxies = new WeakMap<object, object>();
  const record = (steps: Steps): void => {
    seen.set(JSON.stringify(steps), steps);
  };
  const wrap = (target: object, steps: Steps): object => {
    const known = proxies.get(target);
    if (known) return known;
    const stepOf = (key: string): string | undefined => {
      if (Array.isArray(target)) return /^\d+$/.test(key) ? "[]" : undefined;
      return NOT_FIELDS.has(key) ? undefined : key;
    };
    const proxy = new Proxy(target, {
      get(on, key, receiver) {
        const value: unknown = Reflect.get(on, key, receiver);
        const step = typeof key === "string" ? stepOf(key) : undefined;
        if (step === undefined || (Array.isArray(on) && LIST_KEYS.has(String(key)))) return value;
        record([...steps, step]);
        return typeof value === "object" && value !== null ? wrap(value, [...steps, step]) : value;
      },
      has(on, key) {
        const step = typeof key === "string" ? stepOf(key) : undefined;
        if (step !== undefined) record([...steps, step]);
        return Reflect.has(on, key);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  await run(wrap(structuredClone(object), []));
  return [...seen.values()];
}
