import { FeatureError } from "../../shared/basics/errors.ts";
import type { VmiSpec } from "../../shared/kubevirt/types.ts";
import type { Vendor } from "../../shared/node-labels.ts";
import { KUBEVIRT_LABELS, NODE_LABELS, VENDOR_FLAG } from "../../shared/node-labels.ts";
import type { NodeInfo } from "../../shared/kubevirt/placement.ts";
import { placementAllows, requiredTerms } from "../../shared/kubevirt/placement.ts";

const KUBEVIRT_VENDOR: Record<string, Vendor> = { Intel: "intel", AMD: "amd" };

/** The node's CPU vendor: cpu-labeller's label first, else KubeVirt's node-labeller. */
export function nodeVendor(node: NodeInfo): Vendor | undefined {
  const ours = node.labels[NODE_LABELS.vendor];
  if (ours === "intel" || ours === "amd") return ours;
  for (const [suffix, vendor] of Object.entries(KUBEVIRT_VENDOR)) {
    if (node.labels[KUBEVIRT_LABELS.vendorPrefix + suffix] === "true") return vendor;
  }
  return undefined;
}

/**
 * Whether the node can run a nested hypervisor. cpu-labeller reads the KVM `nested` parameter;
 * without it, KubeVirt's label for the vendor flag is the best evidence (the flag only reaches
 * the host CPU model when KVM exposes it).
 */
export function nestedCapable(node: NodeInfo): boolean {
  if (node.labels[KUBEVIRT_LABELS.schedulable] === "false") return false;
  const vendor = nodeVendor(node);
  if (!vendor) return false;
  const nested = node.labels[NODE_LABELS.nested];
  if (nested !== undefined) return nested === "true";
  return node.labels[KUBEVIRT_LABELS.featurePrefix + VENDOR_FLAG[vendor]] === "true";
}

const PLACEMENT_FIELD = "spec.template.spec.nodeSelector / affinity.nodeAffinity";

/**
 * The vendor the VM will run on: the one it is pinned to, else the only vendor among the
 * nested-capable nodes it may be placed on. Guessing is never harmless (a VM that requires the
 * wrong flag is unschedulable), so anything else is an error.
 */
export function resolveVendor(
  spec: Readonly<VmiSpec> | undefined,
  nodes: readonly NodeInfo[],
): Vendor {
  const pinned = pinnedVendor(spec);
  if (pinned) return pinned;
  const candidates = nodes.filter((n) => nestedCapable(n) && placementAllows(spec, n));
  const vendors = [...new Set(candidates.map(nodeVendor))].filter((v) => v !== undefined).sort();
  const [only] = vendors;
  if (vendors.length === 1 && only) return only;
  if (vendors.length === 0) {
    throw new FeatureError(
      "no node the VM may run on can run nested VMs (KVM nesting on, vendor labelled)",
      {
        field: PLACEMENT_FIELD,
        fix: "enable nested KVM on some nodes and run cpu-labeller there, or widen the VM's placement",
      },
    );
  }
  throw new FeatureError(`the nodes the VM may run on mix CPU vendors (${vendors.join(", ")})`, {
    field: PLACEMENT_FIELD,
    fix: `pin the VM to one vendor (nodeSelector ${NODE_LABELS.vendor}: intel or amd), or set the annotation to vmx or svm`,
  });
}

/** A vendor named outright by the VM's placement: nodeSelector, or every required affinity term. */
export function pinnedVendor(spec: Readonly<VmiSpec> | undefined): Vendor | undefined {
  const fromSelector = vendorOfLabels(Object.entries(spec?.nodeSelector ?? {}));
  if (fromSelector) return fromSelector;
  const terms = requiredTerms(spec) ?? [];
  const perTerm = terms.map((term) =>
    vendorOfLabels(
      (term.matchExpressions ?? [])
        .filter((r) => r.operator === "In" && r.values?.length === 1)
        .map((r) => [r.key, r.values?.[0] ?? ""] as [string, string]),
    ),
  );
  const [first] = perTerm;
  return first && perTerm.every((v) => v === first) ? first : undefined;
}

function vendorOfLabels(pairs: readonly [string, string][]): Vendor | undefined {
  for (const [key, value] of pairs) {
    const vendor = vendorOfLabel(key, value);
    if (vendor) return vendor;
  }
  return undefined;
}

// Labels that name a vendor: ours, KubeVirt's vendor labels, and KubeVirt's vmx/svm feature labels.
const PINNING_LABELS: Record<string, Vendor> = {
  [`${KUBEVIRT_LABELS.vendorPrefix}Intel`]: "intel",
  [`${KUBEVIRT_LABELS.vendorPrefix}AMD`]: "amd",
  [`${KUBEVIRT_LABELS.featurePrefix}vmx`]: "intel",
  [`${KUBEVIRT_LABELS.featurePrefix}svm`]: "amd",
};

function vendorOfLabel(key: string, value: string): Vendor | undefined {
  if (key === NODE_LABELS.vendor) return value === "intel" || value === "amd" ? value : undefined;
  // Own keys only: a nodeSelector key such as "constructor" must not find Object.prototype's.
  return value === "true" && Object.hasOwn(PINNING_LABELS, key) ? PINNING_LABELS[key] : undefined;
}
