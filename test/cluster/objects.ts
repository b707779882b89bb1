// Helpers of the real-cluster tests: objects as the API server stores them, compared without the
// fields it assigns, and the webhook configuration changed for a while.
import { expect } from "chai";
import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../../shared/basics/kube-object.ts";
import type { Api } from "../../scripts/cluster/api.ts";
import type { WebhookEntry } from "../../shared/webhooks/entry.ts";

const CONFIGURATION =
  "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/vm-feature-functions";
const ASSIGNED = ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"];
// The ServiceAccount admission plugin's token volume: a random name on every create.
const TOKEN_VOLUME = /^kube-api-access-/;

interface Named {
  name: string;
}

function withoutTokenVolume(spec: Record<string, unknown>): Record<string, unknown> {
  const keep = (list: unknown): unknown =>
    Array.isArray(list) ? list.filter((v: Named) => !TOKEN_VOLUME.test(v.name)) : list;
  const containers = (list: unknown): unknown =>
    Array.isArray(list)
      ? list.map((c: Record<string, unknown>) => ({ ...c, volumeMounts: keep(c["volumeMounts"]) }))
      : list;
  return {
    ...spec,
    volumes: keep(spec["volumes"]),
    containers: containers(spec["containers"]),
    ...(spec["initContainers"] ? { initContainers: containers(spec["initContainers"]) } : {}),
  };
}

/** `object` without what the server assigns on every write (uid, versions, times, token volume). */
export function serverFields(object: KubeObject): KubeObject {
  const metadata = { ...object.metadata } as Record<string, unknown>;
  for (const key of ASSIGNED) delete metadata[key];
  // A name made from generateName is new on every create.
  if (metadata["generateName"]) delete metadata["name"];
  const copy = { ...object, metadata } as KubeObject & { spec?: Record<string, unknown> };
  if (object.kind === "Pod" && copy.spec) copy.spec = withoutTokenVolume(copy.spec);
  return copy;
}

/** The URL path of a stored object. */
export function stored(api: Api, object: KubeObject): Promise<string> {
  const { apiVersion = "", kind = "", metadata } = object;
  return api.path(apiVersion, kind, metadata?.namespace, metadata?.name);
}

/** Polls `read` until it deep-equals `expected` (the API server applies configuration changes within about a second). */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  expected: T,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!isDeepStrictEqual(last, expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  expect(last, what).to.deep.equal(expected);
}

export async function webhookEntries(api: Api): Promise<WebhookEntry[]> {
  return (await api.ok<{ webhooks: WebhookEntry[] }>("GET", CONFIGURATION)).webhooks;
}

/** Runs `body` with the configuration's entries replaced, then puts the original ones back. */
export async function withEntries(
  api: Api,
  entries: readonly WebhookEntry[],
  body: () => Promise<void>,
): Promise<void> {
  const original = await api.ok<{ webhooks: WebhookEntry[] }>("GET", CONFIGURATION);
  await api.ok("PUT", CONFIGURATION, { ...original, webhooks: entries });
  try {
    await body();
  } finally {
    const now = await api.ok<{ metadata: unknown }>("GET", CONFIGURATION);
    await api.ok("PUT", CONFIGURATION, { ...original, metadata: now.metadata });
  }
}
