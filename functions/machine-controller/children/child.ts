import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import { FUNCTION, LABELS } from "../api.ts";

/** The labels every child carries: the Machine it belongs to, and who manages it. */
export function childLabels(
  machine: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { [LABELS.managedBy]: FUNCTION, [LABELS.machine]: machine, ...extra };
}

/** Metacontroller's copy of what it last applied to a child (its dynamic-apply strategy). */
export const LAST_APPLIED = "metacontroller.k8s.io/last-applied-configuration";

/**
 * A child exactly as it stands, for when it must not change (invalid spec, teardown in progress).
 * Metacontroller deletes any child missing from an answer, and its 3-way merge removes what it
 * last applied and no longer sees, so the safest copy is what it last applied; without that
 * annotation (server-side apply, or an adopted object), the object's own labels and spec.
 */
export function asObserved(child: KubeObject): KubeObject {
  return lastAppliedOf(child) ?? ownFields(child);
}

function lastAppliedOf(child: KubeObject): KubeObject | undefined {
  const text = child.metadata?.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    // An unreadable annotation: fall back to the object itself.
    return undefined;
  }
}

function ownFields(child: KubeObject): KubeObject {
  const { name, namespace, labels, annotations = {} } = child.metadata ?? {};
  const kept = Object.entries(annotations).filter(([key]) => key !== LAST_APPLIED);
  return {
    apiVersion: child.apiVersion,
    kind: child.kind,
    metadata: {
      name,
      namespace,
      ...(labels ? { labels } : {}),
      ...(kept.length ? { annotations: Object.fromEntries(kept) } : {}),
    },
    ...(child["spec"] !== undefined ? { spec: child["spec"] } : {}),
  };
}

function isObject(value: unknown): value is KubeObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `object.a.b.c` without a cast at every step. */
export function at(object: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (isObject(value) ? (value as Record<string, unknown>)[key] : undefined),
    object,
  );
}
