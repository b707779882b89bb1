// npm run preview -- <manifest> [--cluster <snapshot>]... [--webhooks <webhooks.yaml>] [--json]
//                    [--as <user> [--as-group <group>]...] [--finalize] [--now <time>]
// Runs a VirtualMachine or Pod manifest through the mutating functions in the order of the webhook
// entries in knative/webhooks.yaml (or --webhooks), offline; a Machine through machine-controller's
// hooks, as Metacontroller would call them.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { mutators } from "../functions/mutators.ts";
import { API_VERSION, MACHINE } from "../functions/machine-controller/api.ts";
import { previewMachine } from "../functions/machine-controller/preview.ts";
import type { KubeObject } from "../shared/basics/kube-object.ts";
import type { ClusterReader } from "../shared/kube/reader.ts";
import { PREVIEW_OPTIONS, PREVIEW_USAGE } from "../shared/preview/args.ts";
import { inChainOrder } from "../shared/preview/chain.ts";
import { unhandledKind, unknownAnnotations, unusableObject } from "../shared/preview/input.ts";
import { lookUpNamespace, unknownNamespaces } from "../shared/preview/namespace.ts";
import { preview } from "../shared/preview/run.ts";
import { snapshotReader } from "../shared/kube/snapshot-reader.ts";
import { parseObjects } from "../shared/preview/snapshot.ts";
import { malformedSnapshotObject } from "../shared/preview/snapshot-check.ts";
import { webhookEntries } from "../shared/webhooks/entry.ts";
import { impersonated } from "../shared/webhooks/request.ts";

const DEFAULT_CLUSTER = new URL("../examples/cluster.yaml", import.meta.url);
const DEFAULT_MACHINE_CLUSTER = new URL("../examples/machine-cluster.yaml", import.meta.url);
const DEFAULT_WEBHOOKS = new URL("../knative/webhooks.yaml", import.meta.url);

function fail(message: string): never {
  process.stderr.write(`preview: ${message}\n`);
  process.exit(2);
}

function warn(message: string): void {
  process.stderr.write(`preview: warning: ${message}\n`);
}

function read(path: string | URL): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return fail(`cannot read ${String(path)}: ${(error as Error).message}`);
  }
}

function parse(path: string | URL): ReturnType<typeof parseObjects> {
  try {
    return parseObjects(read(path), String(path));
  } catch (error) {
    return fail((error as Error).message);
  }
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      options: PREVIEW_OPTIONS,
      allowPositionals: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${PREVIEW_USAGE}`);
  }
})();
const [manifest] = positionals;
if (!manifest || positionals.length > 1) fail(PREVIEW_USAGE);
const objects = parse(manifest);
if (objects.length !== 1)
  fail(`${manifest} holds ${objects.length} objects; give one VirtualMachine, Pod or Machine`);
const print = (result: unknown): void => {
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : stringify(result, { aliasDuplicateObjects: false }),
  );
};
const snapshotObjects = (fallback: URL): KubeObject[] =>
  (values.cluster ?? [fallback]).flatMap((path) => {
    const objects = parse(path);
    if (objects.length === 0)
      warn(`--cluster ${String(path)} holds no objects; the preview reads an empty cluster`);
    for (const object of objects) {
      const malformed = malformedSnapshotObject(object);
      if (malformed) fail(`--cluster ${String(path)}: ${malformed}`);
    }
    return objects;
  });
const snapshot = (fallback: URL): ClusterReader => snapshotReader(snapshotObjects(fallback));

/** The snapshot for a VM or a Pod, with what it cannot tell of the object's namespace said once. */
async function namespacedSnapshot(namespace: string): Promise<ClusterReader> {
  const objects = snapshotObjects(DEFAULT_CLUSTER);
  const reader = snapshotReader(objects);
  if (values.cluster) {
    if (await unknownNamespaces(reader))
      warn(
        `--cluster ${values.cluster.join(", ")} holds no Namespace, so namespace labels are unknown: namespaceSelectors see only kubernetes.io/metadata.name; add the namespaces to the snapshot (kubectl get namespaces -o yaml)`,
      );
    return reader;
  }
  if ("labels" in (await lookUpNamespace(reader, namespace))) return reader;
  // The example cluster stands in for the user's, whose namespaces it cannot know.
  warn(
    `namespace ${namespace} is not in examples/cluster.yaml (read without --cluster), so it is previewed as an existing namespace without labels; give --cluster with your cluster's namespaces (kubectl get namespaces -o yaml)`,
  );
  return snapshotReader([
    ...objects,
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
  ]);
}
const object: KubeObject = objects[0] ?? {};
const unusable = unusableObject(object);
if (unusable) fail(`${manifest}: ${unusable}`);
if (
  object.kind === MACHINE.kind &&
  object.apiVersion?.startsWith(`${API_VERSION.split("/")[0]}/`)
) {
  // A Machine: what machine-controller's hooks answer, with the snapshot as Metacontroller's view.
  if (values.as || values["as-group"])
    fail("--as and --as-group apply to a VirtualMachine or a Pod only");
  const now = new Date(values.now ?? Date.now());
  if (Number.isNaN(now.getTime()))
    fail(`--now ${values.now ?? ""} is not a time; use e.g. 2026-01-01T00:00:00Z`);
  const result = await previewMachine(object, snapshot(DEFAULT_MACHINE_CLUSTER), {
    finalize: values.finalize,
    now,
  }).catch((error: unknown) => fail(`${manifest}: ${(error as Error).message}`));
  print(result);
  process.exit(0);
}
if (values.finalize || values.now) fail("--finalize and --now apply to a Machine only");
const chain = (() => {
  const file = values.webhooks ?? DEFAULT_WEBHOOKS;
  try {
    return inChainOrder(
      mutators.map((build) => build()),
      webhookEntries(read(file), String(file)),
    );
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const unhandled = unhandledKind(
  object,
  mutators.map((build) => build()),
  [MACHINE.kind],
);
if (unhandled) fail(`${manifest}: ${unhandled}`);
for (const warning of unknownAnnotations(object, chain)) warn(`${manifest}: ${warning}`);
const namespace = object.metadata?.namespace ?? "default";
if (values["as-group"] && !values.as) fail("--as-group needs --as <user>, as kubectl's does");
const user = values.as ? impersonated(values.as, values["as-group"]) : undefined;
const result = await preview(object, chain, await namespacedSnapshot(namespace), user);
print(result);
if (result.refused) {
  process.stderr.write(
    `preview: the API server refuses the object: ${result.refused}; create the namespace first (kubectl create namespace ${namespace}), or add it to the --cluster snapshot if it exists (kubectl get namespaces -o yaml)\n`,
  );
  process.exit(1);
}
// The YAML is for people: each function the API server would not call says why on a line of its own.
if (!values.json)
  for (const [name, reason] of Object.entries(result.notCalled ?? {}))
    process.stderr.write(`${name}: not called: ${reason}\n`);
if (result.denied) {
  process.stderr.write(
    `preview: ${result.denied.function} denied the object: ${result.denied.message}\n`,
  );
  process.exit(1);
}
