import type { ResolvedMachine } from "../spec/resolve.ts";
import { cloneJson } from "../../../shared/admission/patch.ts";

type Json = Record<string, unknown>;

/** KubeVirt's Windows example's enlightenments: none of them needs another to be on. */
export const HYPERV = { relaxed: {}, vapic: {}, spinlocks: { spinlocks: 8191 } } as const;

const state = (on: boolean): Json => (on ? {} : { enabled: false });

/**
 * `spec.template.spec.domain` without devices: CPU topology, memory (guest and request, so the
 * scheduler reserves what the guest sees), machine type, features and firmware. Fields the
 * Machine leaves unset stay unset, so KubeVirt's defaults apply.
 */
export function vmDomain(machine: ResolvedMachine): Json {
  const { cpu, memory, domain } = machine;
  const type = domain.machine?.type;
  const firmware = firmwareOf(machine);
  const features = featuresOf(machine);
  return {
    cpu: { cores: cpu.cores, sockets: cpu.sockets, threads: cpu.threads },
    memory: { guest: memory },
    resources: { requests: { memory } },
    ...(type ? { machine: { type } } : {}),
    ...(Object.keys(features).length ? { features } : {}),
    ...(firmware ? { firmware } : {}),
  };
}

function featuresOf({ domain }: ResolvedMachine): Json {
  const wanted = domain.features ?? {};
  const features: Json = {};
  if (wanted.acpi !== undefined) features["acpi"] = state(wanted.acpi);
  if (wanted.apic !== undefined) features["apic"] = state(wanted.apic);
  if (wanted.hyperv) features["hyperv"] = cloneJson(HYPERV);
  // KubeVirt refuses Secure Boot without System Management Mode.
  if (domain.firmware?.bootloader?.secureBoot) features["smm"] = {};
  return features;
}

/** EFI with Secure Boot spelled out (KubeVirt's default for it is on); BIOS is left to the default. */
function firmwareOf({ domain }: ResolvedMachine): Json | undefined {
  const bootloader = domain.firmware?.bootloader;
  if (!bootloader?.efi) return undefined;
  return { bootloader: { efi: { secureBoot: bootloader.secureBoot === true } } };
}
