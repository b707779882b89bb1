import type { Container, Volume } from "../kube/pod.ts";
import { fragmentSource } from "./fragment-source.ts";

/** Where the sidecar fragment is kept, for messages and the build. */
export const FRAGMENT_FILE = "functions/imds-server/sidecar.yaml";

/** The sidecar as the fragment gives it: one init container and the volumes only it mounts. */
export interface SidecarFragment {
  container: Container;
  volumes: Volume[];
}

/** The projected ServiceAccount token source inside the fragment's volumes. */
export interface TokenSource {
  path?: string;
  audience?: string;
  expirationSeconds?: number;
}

/** The imds-server sidecar fragment, parsed and checked. */
export function loadFragment(): SidecarFragment {
  return parseFragment(fragmentSource());
}

/**
 * Checks the fragment's shape once, at start-up (and when the image is built): what the injector
 * relies on must be there, so that a broken edit stops the function with a message instead of
 * producing launcher pods the API server refuses.
 */
export function parseFragment(raw: unknown): SidecarFragment {
  const fragment = (raw ?? {}) as { initContainers?: unknown; volumes?: unknown };
  const parsed = {
    container: sidecarContainer(fragment.initContainers),
    volumes: namedVolumes(fragment.volumes),
  };
  for (const mount of parsed.container.volumeMounts ?? []) {
    if (!parsed.volumes.some((v) => v.name === mount.name))
      throw invalid(
        `the sidecar mounts volume "${mount.name}", which the fragment does not define`,
      );
  }
  if (tokenSources(parsed).length !== 1)
    throw invalid("exactly one volume must be a projected serviceAccountToken source");
  return parsed;
}

function sidecarContainer(containers: unknown): Container {
  if (!Array.isArray(containers) || containers.length !== 1)
    throw invalid("initContainers must hold exactly one container, the sidecar");
  const container = containers[0] as Container | null;
  if (typeof container?.name !== "string" || typeof container.image !== "string")
    throw invalid("the sidecar container needs a name and an image");
  return container;
}

function namedVolumes(volumes: unknown = []): Volume[] {
  if (!Array.isArray(volumes) || volumes.some((v: Volume | null) => typeof v?.name !== "string"))
    throw invalid("volumes must be a list of named volumes");
  return volumes as Volume[];
}

/** The fragment's ServiceAccount token sources (the live objects, to be changed on a copy). */
export function tokenSources(fragment: SidecarFragment): TokenSource[] {
  return fragment.volumes.flatMap((volume) => {
    const sources = (
      volume["projected"] as { sources?: { serviceAccountToken?: TokenSource }[] } | undefined
    )?.sources;
    return (sources ?? []).flatMap((s) => (s.serviceAccountToken ? [s.serviceAccountToken] : []));
  });
}

function invalid(problem: string): Error {
  return new Error(`${FRAGMENT_FILE}: ${problem}`);
}
