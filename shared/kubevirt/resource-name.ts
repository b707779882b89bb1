// Extended-resource names (`nvidia.com/GA102GL_A10`) as Kubernetes validates them
// (IsExtendedResourceName: a qualified name outside the kubernetes.io domain, valid with the
// `requests.` quota prefix), and the device-entry names made from them.

const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
// 253 for a DNS subdomain, less the `requests.` prefix the quota name adds.
const MAX_DOMAIN = 253 - "requests.".length;
const MAX_NAME = 63;

/** How a resource name is written, for error messages. */
export const RESOURCE_NAME_FORM =
  "vendor.com/MODEL: a lower-case DNS domain, a slash, then up to 63 letters, digits, '-', '_' or '.' that start and end with a letter or digit";

/** What is wrong with `name` as an extended-resource name, or undefined when it is one. */
export function resourceNameProblem(name: string): string | undefined {
  const slash = name.indexOf("/");
  if (slash < 0) return `"${name}" has no vendor domain`;
  const domain = name.slice(0, slash);
  const model = name.slice(slash + 1);
  if (domain.length > MAX_DOMAIN || !DNS_SUBDOMAIN.test(domain))
    return `"${domain}" in "${name}" is not a lower-case DNS domain`;
  if (domain === "kubernetes.io" || domain.endsWith(".kubernetes.io"))
    return `"${name}" is in the kubernetes.io domain, which Kubernetes keeps for its own resources`;
  if (domain.startsWith("requests."))
    return `"${name}" starts with requests., which Kubernetes keeps for quotas`;
  if (model.length > MAX_NAME || !QUALIFIED_NAME.test(model))
    return `"${model}" in "${name}" is not a resource name (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`;
  return undefined;
}

/**
 * A `hostDevices`/`gpus` entry name made from a resource name (and an index), e.g.
 * `nvidia-com-GA102GL_A10-1`. KubeVirt turns the name into the libvirt alias
 * `ua-hostdevice-<name>` / `ua-gpu-<name>`, and libvirt accepts only letters, digits, `_` and `-`
 * in user aliases, so everything else becomes `-`.
 */
export function resourceEntryName(resourceName: string, index?: number): string {
  const base = aliasSafe(resourceName);
  return index === undefined ? base : `${base}-${index}`;
}

/** Letters, digits, `_` and `-` only, with runs of anything else turned into one `-`. */
export function aliasSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
}
