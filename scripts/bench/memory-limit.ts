// Every program runs under the memory limit its pod has, as the kubelet puts it there: in a memory
// cgroup of its own. Node sizes V8's heap from that limit (it passes the cgroup's limit to V8's
// defaults), so the resident memory a function settles at under load depends on it: nested-virt
// held ~145 MiB after 40k reviews with no limit and ~116 MiB under its 256Mi. Where no memory
// cgroup can be made (not root, cgroup v2 without delegation), programs run without one and the
// bench says so.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseQuantity } from "../../shared/kube/quantity.ts";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import { knativeServices } from "../deploy/knative-services.ts";

const KNATIVE = fileURLToPath(new URL("../../knative/", import.meta.url));
const MIB = 1024n * 1024n * 1_000_000_000n;

function mebibytes(quantity: string | undefined, where: string): number {
  const parsed = quantity === undefined ? undefined : parseQuantity(quantity);
  if (!parsed) throw new Error(`${where} sets no memory limit the bench can read`);
  return Number(parsed.nanos / MIB);
}

/** Each function's memory limit in MiB, from its Knative Service; the metadata sidecar's from its fragment. */
export function memoryLimits(): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const service of knativeServices(KNATIVE))
    limits[service.name] = mebibytes(service.limits["memory"], `knative/ Service ${service.name}`);
  const sidecar = loadFragment().container.resources?.limits?.["memory"];
  limits["imds-server"] = mebibytes(
    typeof sidecar === "string" ? sidecar : undefined,
    "functions/imds-server/sidecar.yaml",
  );
  return limits;
}

/** The limit most Services set: the floors run under it, as a function would. */
export function commonLimit(limits: Record<string, number>): number {
  const counts = new Map<number, number>();
  for (const limit of Object.values(limits)) counts.set(limit, (counts.get(limit) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 256;
}

export interface MemoryCgroups {
  /** "cgroup v1" or "cgroup v2". */
  kind: string;
  /** A cgroup limited to `mib`, made on first use; its folder, whose cgroup.procs takes a pid. */
  limitedTo(mib: number): string;
  remove(): void;
}

/** A place to make limited memory cgroups under this process's own, or undefined. */
export function memoryCgroups(): MemoryCgroups | undefined {
  const lines = readFileSync("/proc/self/cgroup", "utf8").split("\n");
  const v1 = lines.map((l) => l.split(":")).find((f) => f[1]?.split(",").includes("memory"));
  const v2 = lines.find((l) => l.startsWith("0::"));
  const candidates = [
    ...(v1?.[2]
      ? [{ kind: "cgroup v1", dir: `/sys/fs/cgroup/memory${v1[2]}`, file: "memory.limit_in_bytes" }]
      : []),
    ...(v2 ? [{ kind: "cgroup v2", dir: `/sys/fs/cgroup${v2.slice(3)}`, file: "memory.max" }] : []),
  ];
  for (const { kind, dir, file } of candidates) {
    const made: string[] = [];
    const limitedTo = (mib: number): string => {
      const path = `${dir.replace(/\/$/, "")}/vff-bench-${process.pid}-${mib}Mi`;
      if (!made.includes(path)) {
        mkdirSync(path, { recursive: true });
        made.push(path);
        writeFileSync(`${path}/${file}`, String(mib * 1024 * 1024));
      }
      return path;
    };
    try {
      limitedTo(64);
    } catch {
      continue;
    }
    return {
      kind,
      limitedTo,
      remove: () => {
        for (const path of made) {
          try {
            rmdirSync(path);
          } catch {
            // A process still inside: the kernel keeps the cgroup until it exits.
          }
        }
      },
    };
  }
  return undefined;
}
