import type { ParseArgsOptionsConfig } from "node:util";

/** `npm run preview`'s flags, for parseArgs; docs/preview.md's table of flags is held to them. */
export const PREVIEW_OPTIONS = {
  // Several --cluster files are read as one snapshot (e.g. the cluster plus a ConfigMap).
  cluster: { type: "string", multiple: true },
  webhooks: { type: "string" },
  // kubectl's impersonation flags: who asks, for matchConditions that ask the authorizer.
  as: { type: "string" },
  "as-group": { type: "string", multiple: true },
  json: { type: "boolean" },
  finalize: { type: "boolean" },
  now: { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

export const PREVIEW_USAGE =
  "usage: npm run preview -- <manifest.yaml> [--cluster <snapshot.yaml>]... [--webhooks <webhooks.yaml>] [--as <user> [--as-group <group>]...] [--json] [--finalize] [--now <RFC 3339 time>]";
