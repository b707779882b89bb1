import { readFileSync } from "node:fs";
import { parse } from "yaml";

/**
 * functions/imds-server/sidecar.yaml as parsed YAML: the one source of the sidecar's spec.
 *
 * Run from source (tests, the preview) it is read and parsed here, at start-up. The image's bundle
 * replaces this module with the value parsed at build time (scripts/build.ts), so a cold start
 * neither reads a file nor loads a YAML parser, and the image needs no copy of the YAML.
 */
export function fragmentSource(): unknown {
  return parse(
    readFileSync(new URL("../../functions/imds-server/sidecar.yaml", import.meta.url), "utf8"),
  );
}
