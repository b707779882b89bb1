import type { Feature } from "../shared/admission/feature.ts";
import type { BenchInput, BenchKit } from "../scripts/bench/inputs.ts";
import type { FunctionLine } from "../test/reliability/line.ts";

/**
 * What a function's folder declares about it (its declaration.ts), beside its one line in
 * functions/registry.ts: the tools, tests and tables that list functions read it from there.
 */
export interface Declaration {
  /**
   * An admission function's Feature (loaded on demand: it needs the generated field validator,
   * which `npm run field-schemas` makes from `object` and `fields` first), the kind of object it
   * admits and the paths of the fields it reads and writes.
   */
  admission?: {
    feature: () => Promise<() => Feature>;
    object: "VirtualMachine" | "Pod";
    fields: readonly string[];
  };
  /** What `npm run bench` sends it; a function without one is reported as "no bench input". */
  bench?: (kit: BenchKit) => BenchInput | Promise<BenchInput>;
  /** Its line of the reliability suite (test/reliability/), which starts it and probes it. */
  reliability: () => Promise<FunctionLine>;
}
