import { readFileSync } from "node:fs";

/** The ConfigMap, in each VM's namespace, that holds the hook program; the function owns the name. */
export const HOOK_CONFIGMAP = "vbios-injection-hook";
export const HOOK_KEY = "onDefineDomain";
/** Where KubeVirt mounts the key in the sidecar; the shim looks `onDefineDomain` up in $PATH. */
export const HOOK_PATH = "/usr/bin/onDefineDomain";

/**
 * The onDefineDomain program, from hook/on-define-domain.py: the one source of the ConfigMap's
 * content. The build inlines the file (scripts/build.ts), so the image carries no .py beside the
 * bundle.
 */
export const HOOK_PROGRAM: string = readFileSync(
  new URL("./hook/on-define-domain.py", import.meta.url),
  "utf8",
);
