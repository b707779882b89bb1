import type {
  BootDevice,
  CloudInitSpec,
  DomainSpec,
  Machine,
  MachineSpec,
  NetworkSpec,
  TemplateName,
} from "../api.ts";
import type { ResolvedDisk } from "./disk-specs.ts";
import { resolveDisks } from "./disk-specs.ts";
import type { Problem } from "./problems.ts";
import { isProblem, problem } from "./problems.ts";
import { formatQuantity, parseQuantity } from "../../../shared/kube/quantity.ts";
import { CLOUD_INIT_MAX_BYTES } from "../schema/machine-spec.ts";
import { TEMPLATES } from "./templates.ts";
import { checkSpec, invalid, invalidQuantity } from "./validate.ts";

/** A Machine with its template applied and every default filled in: what its children follow. */
export interface ResolvedMachine {
  name: string;
  namespace: string;
  generation: number;
  template: TemplateName;
  running: boolean;
  cpu: { cores: number; threads: number; sockets: number };
  memory: string;
  disks: ResolvedDisk[];
  networks: NetworkSpec[];
  bootOrder: BootDevice[];
  cloudInit?: CloudInitSpec;
  domain: DomainSpec;
}

/** The Machine resolved, or the first thing wrong with it (never both, never a throw). */
export function resolveMachine(machine: Machine): ResolvedMachine | Problem {
  const name = machine.metadata?.name ?? "";
  if (name.length > 63) {
    const fix = "use a name of at most 63 characters (it names the VM and is a label value)";
    return invalid("metadata.name", `the name is ${name.length} characters long`, fix);
  }
  const spec = checkSpec(machine.spec);
  if (isProblem(spec)) return spec;
  const memory = resolveMemory(spec);
  if (isProblem(memory)) return memory;
  const disks = resolveDisks(spec);
  if (isProblem(disks)) return disks;
  return checkRest(spec) ?? assemble(machine, spec, { memory, disks });
}

function assemble(
  machine: Machine,
  spec: MachineSpec,
  { memory, disks }: { memory: string; disks: ResolvedDisk[] },
): ResolvedMachine {
  const meta = machine.metadata ?? {};
  return {
    name: meta.name ?? "",
    namespace: meta.namespace ?? "default",
    generation: Number(meta["generation"] ?? 0),
    template: spec.template,
    running: spec.running ?? true,
    cpu: resolveCpu(spec),
    memory,
    disks,
    ...optionalParts(spec),
  };
}

function optionalParts(
  spec: MachineSpec,
): Pick<ResolvedMachine, "networks" | "bootOrder" | "domain" | "cloudInit"> {
  return {
    networks: spec.networks ?? [],
    bootOrder: spec.bootOrder ?? [],
    ...(spec.cloudInit ? { cloudInit: spec.cloudInit } : {}),
    domain: spec.domain ?? {},
  };
}

function resolveCpu(spec: MachineSpec): ResolvedMachine["cpu"] {
  const template = TEMPLATES[spec.template];
  const cpu = spec.resources?.cpu ?? {};
  return {
    cores: cpu.cores ?? template.cores,
    threads: cpu.threads ?? template.threads,
    sockets: cpu.sockets ?? template.sockets,
  };
}

function resolveMemory(spec: MachineSpec): string | Problem {
  const size = spec.resources?.memory?.size ?? TEMPLATES[spec.template].memory;
  const parsed = parseQuantity(size);
  if (!parsed || parsed.nanos <= 0n)
    return invalidQuantity("spec.resources.memory.size", JSON.stringify(size));
  return formatQuantity(parsed);
}

function checkRest(spec: MachineSpec): Problem | undefined {
  return checkNetworks(spec) ?? checkBootOrder(spec) ?? checkCloudInit(spec) ?? checkFirmware(spec);
}

function checkNetworks(spec: MachineSpec): Problem | undefined {
  const seen = new Set<string>();
  for (const [index, { name }] of (spec.networks ?? []).entries()) {
    if (seen.has(name)) {
      return problem("NetworkReady", "DuplicateNetworkName", `two networks are named ${name}`, {
        field: `spec.networks[${index}].name`,
        fix: "give every network its own name",
      });
    }
    seen.add(name);
  }
  return undefined;
}

function checkBootOrder(spec: MachineSpec): Problem | undefined {
  const order = spec.bootOrder ?? [];
  for (const [index, device] of order.entries()) {
    const field = `spec.bootOrder[${index}]`;
    if (order.indexOf(device) !== index)
      return invalid(field, `${device} is listed twice`, "list each boot device once");
    if (device === "network" && !spec.networks?.length)
      return invalid(
        field,
        "network boot needs a network",
        "add an entry to spec.networks, or remove network",
      );
    if (device === "cdrom" && !spec.disks?.some((d) => d.type === "cdrom"))
      return invalid(
        field,
        "cdrom boot needs a cdrom disk",
        "add a disk with type: cdrom, or remove cdrom",
      );
  }
  return undefined;
}

function checkCloudInit(spec: MachineSpec): Problem | undefined {
  const cloudInit = spec.cloudInit ?? {};
  if (cloudInit.userData !== undefined && cloudInit.secretRef)
    return invalid("spec.cloudInit", "both userData and secretRef are set", "keep one of them");
  for (const key of ["userData", "networkData"] as const) {
    const bytes = Buffer.byteLength(cloudInit[key] ?? "");
    if (bytes > CLOUD_INIT_MAX_BYTES) {
      return invalid(
        `spec.cloudInit.${key}`,
        `${key} is ${bytes} bytes, more than KubeVirt takes inline (${CLOUD_INIT_MAX_BYTES})`,
        "put it in a Secret and use secretRef",
      );
    }
  }
  return undefined;
}

function checkFirmware(spec: MachineSpec): Problem | undefined {
  const bootloader = spec.domain?.firmware?.bootloader;
  if (bootloader?.secureBoot && !bootloader.efi) {
    return invalid(
      "spec.domain.firmware.bootloader.secureBoot",
      "Secure Boot needs EFI",
      "set efi: true, or secureBoot: false",
    );
  }
  return undefined;
}
