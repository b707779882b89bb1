import type { KubeObject } from "../../../shared/basics/kube-object.ts";
import type { KindRef } from "../../../shared/kube/kinds.ts";
import {
  requireKind,
  SECRET,
  STORAGE_CLASS,
  VIRTUAL_MACHINE_INSTANCE,
} from "../../../shared/kube/kinds.ts";
import { DATA_VOLUME, NETWORK_CONFIGURATION } from "../api.ts";
import { at } from "../children/child.ts";
import { compareText } from "./observed.ts";
import { ROOT_DISK } from "../spec/templates.ts";

/** A related kind as Metacontroller's customize rules name it: apiVersion and the plural resource. */
export interface RelatedKind {
  kind: KindRef;
  resource: string;
  namespaced: boolean;
}

function related(kind: KindRef): RelatedKind {
  const { plural, namespaced } = requireKind(kind);
  return { kind, resource: plural, namespaced };
}

export const RELATED: Readonly<
  Record<"networks" | "storage" | "instance" | "secret" | "dataVolumes", RelatedKind>
> = {
  networks: related(NETWORK_CONFIGURATION),
  storage: related(STORAGE_CLASS),
  instance: related(VIRTUAL_MACHINE_INSTANCE),
  secret: related(SECRET),
  dataVolumes: related(DATA_VOLUME),
};

/** Metacontroller's RelatedResourceRule, with only the fields this function uses. */
export interface RelatedRule {
  apiVersion: string;
  resource: string;
  namespace?: string;
  names?: string[];
  /** `{}`: every object of the kind (a rule has names or a selector, never both). */
  labelSelector?: Record<string, never>;
}

export interface CustomizeResponse {
  relatedResources: RelatedRule[];
}

const strings = (values: unknown[]): string[] =>
  [...new Set(values.filter((v): v is string => typeof v === "string" && v !== ""))].sort(
    compareText,
  );

/**
 * The related objects a sync needs, by name (a rule with no names and no selector would select
 * every object of the kind, so a kind the Machine does not name is not asked for at all), except
 * StorageClasses when a disk names none: then all of them, to find the one marked default.
 * Reads the spec defensively: an invalid Machine still gets its instance, so its status can be
 * reported.
 */
export function customize(parent: KubeObject): CustomizeResponse {
  const spec = at(parent, "spec");
  const namespace = parent.metadata?.namespace ?? "default";
  const list = (key: string): unknown[] => {
    const value = at(spec, key);
    return Array.isArray(value) ? value : [];
  };
  const disks = list("disks");
  const name = parent.metadata?.name ?? "";
  const sourced = disks.filter(
    (d) => at(d, "source") !== undefined && typeof at(d, "name") === "string",
  );
  const classes = disks.map((d) => at(d, "storageClass"));
  const root = disks.some(
    (d) => at(d, "name") === ROOT_DISK && at(d, "storageClass") !== undefined,
  );
  const everyClass = !root || classes.some((c) => typeof c !== "string" || c === "");
  const names: [RelatedKind, string[] | "all"][] = [
    [RELATED.networks, strings(list("networks").map((n) => at(n, "networkName")))],
    [RELATED.storage, everyClass ? "all" : strings(classes)],
    [RELATED.instance, strings([name])],
    [RELATED.secret, strings([at(spec, "cloudInit", "secretRef", "name")])],
    // Only disks with a source: a cluster without CDI serves no DataVolumes to ask for.
    [RELATED.dataVolumes, strings(sourced.map((d) => `${name}-${String(at(d, "name"))}`))],
  ];
  return {
    relatedResources: names
      .filter(([, wanted]) => wanted === "all" || wanted.length > 0)
      .map(([related, wanted]) => ({
        apiVersion: related.kind.apiVersion,
        resource: related.resource,
        ...(related.namespaced ? { namespace } : {}),
        ...(wanted === "all" ? { labelSelector: {} } : { names: wanted }),
      })),
  };
}
