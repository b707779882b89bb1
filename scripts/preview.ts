// npm run preview -- <manifest> [--cluster <snapshot>]... [--webhooks <webhooks.yaml>] [--json]
// Runs a VirtualMachine or Pod manifest through the mutating functions in the order of the webhook
// entries in knative/webhooks.yaml (or --webhooks), offline.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { mutators } from "../functions/mutators.ts";
import { inChainOrder, webhookChain } from "../shared/preview/chain.ts";
import { preview } from "../shared/preview/run.ts";
import { snapshotReader } from "../shared/kube/snapshot-reader.ts";
import { parseObjects } from "../shared/preview/snapshot.ts";

const USAGE =
  "usage: npm run preview -- <manifest.yaml> [--cluster <snapshot.yaml>]... [--webhooks <webhooks.yaml>] [--json]";
const DEFAULT_CLUSTER = new URL("../examples/cluster.yaml", import.meta.url);
const DEFAULT_WEBHOOKS = new URL("../knative/webhooks.yaml", import.meta.url);

function fail(message: string): never {
  process.stderr.write(`preview: ${message}\n`);
  process.exit(2);
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
      // Several --cluster files are read as one snapshot (e.g. the cluster plus a ConfigMap).
      options: {
        cluster: { type: "string", multiple: true },
        webhooks: { type: "string" },
        json: { type: "boolean" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
const [manifest] = positionals;
if (!manifest || positionals.length > 1) fail(USAGE);
const objects = parse(manifest);
if (objects.length !== 1)
  fail(`${manifest} holds ${objects.length} objects; give one VirtualMachine or Pod`);
const cluster = snapshotReader((values.cluster ?? [DEFAULT_CLUSTER]).flatMap(parse));
const features = (() => {
  try {
    const chain = webhookChain(read(values.webhooks ?? DEFAULT_WEBHOOKS));
    return inChainOrder(
      mutators.map((build) => build()),
      chain,
    );
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const result = await preview(objects[0] ?? {}, features, cluster);
process.stdout.write(
  values.json
    ? `${JSON.stringify(result, null, 2)}\n`
    : stringify(result, { aliasDuplicateObjects: false }),
);
if (result.denied) {
  process.stderr.write(
    `preview: ${result.denied.function} denied the object: ${result.denied.message}\n`,
  );
  process.exit(1);
}
