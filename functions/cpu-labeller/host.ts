import { readCpuinfo } from "./cpuinfo.ts";
import type { HostFacts } from "./labels.ts";
import { readNested } from "./nested.ts";

export interface HostRoots {
  /** Where `cpuinfo` lives; /proc in the DaemonSet. */
  procRoot: string;
  /** Where `module/` lives; /sys in the DaemonSet. */
  sysRoot: string;
}

/** Everything the labels say, read from the node this process runs on. */
export async function readHostFacts(roots: HostRoots): Promise<HostFacts> {
  const cpu = await readCpuinfo(roots.procRoot);
  return { ...cpu, nested: await readNested(roots.sysRoot, cpu.virtualization) };
}
