import { deepFreeze } from "../basics/sharing.ts";

/**
 * `derive`, kept per object it is given. The live reader hands every review the same object while
 * its cached read is fresh, so what a feature makes of a read (the ROM's facts, the nodes' labels,
 * the oldest KubeVirt CR) is made once per read rather than once per review; objects that are not
 * shared (the snapshot's copies) just miss. `derive` must be pure. What it gives is shared with
 * every later caller, so it is frozen: a change throws rather than reaching other answers.
 */
export function derivedPerRead<K extends object, V>(derive: (read: K) => V): (read: K) => V {
  const made = new WeakMap<K, V>();
  return (read) => {
    if (made.has(read)) return made.get(read) as V;
    const value = deepFreeze(derive(read));
    made.set(read, value);
    return value;
  };
}
