// The objects the product ships and makes, against the real schemas of the CRDs they meet:
// Knative Serving's Service for knative/*.yaml, KubeVirt's VirtualMachine for every VM the examples
// give or machine-controller makes (as `npm run preview` leaves it after the webhook chain), and
// the example clusters' KubeVirt objects and PCIDevices. Nothing may be refused or pruned.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubeObject } from "../shared/basics/kube-object.ts";
import { parseObjects } from "../shared/preview/snapshot.ts";
import { clusterCrds, upstreamCrds } from "../scripts/cluster/upstream-crds.ts";
import type { StoredObject } from "./helpers/upstream-schemas.ts";
import { crdName, upstreamChecker } from "./helpers/upstream-schemas.ts";
import { structuralViolations } from "./helpers/crd-validator.ts";
import { exampleVms } from "./helpers/example-vms.ts";
import { servedVersions } from "../shared/webhooks/equivalent.ts";
import {
  machineCrd,
  networkConfigurationCrd,
} from "../functions/machine-controller/schema/crds.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const objectsIn = (folder: string): { file: string; objects: KubeObject[] }[] =>
  readdirSync(join(ROOT, folder))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((file) => ({
      file: `${folder}/${file}`,
      objects: parseObjects(readFileSync(join(ROOT, folder, file), "utf8"), file),
    }));
const EXAMPLES = objectsIn("examples");

const clusterObjects = EXAMPLES.flatMap(({ file, objects }) =>
  objects
    .filter((o) => /^(kubevirt\.io|devices\.harvesterhci\.io)\//.test(o.apiVersion ?? ""))
    .map((object) => ({ file, object })),
).filter(({ object }) => object.kind !== "VirtualMachine");

describe("upstream CRDs: what we ship and make, against KubeVirt's, Knative's and Harvester's schemas", function () {
  // The first run builds KubeVirt's CRD generator with Go (minutes); later runs read the cache.
  this.timeout(30 * 60_000);
  let check: (object: StoredObject) => string[] = () => ["upstream CRDs not loaded"];
  let crds: Record<string, unknown>[] = [];
  before(async () => {
    crds = await upstreamCrds();
    check = upstreamChecker(crds);
  });

  it("should hold KubeVirt's, Harvester's and Knative Serving's CRDs", () => {
    expect(crds.map(crdName)).to.include.members([
      "kubevirts.kubevirt.io",
      "virtualmachines.kubevirt.io",
      "virtualmachineinstances.kubevirt.io",
      "pcidevices.devices.harvesterhci.io",
      "network-attachment-definitions.k8s.cni.cncf.io",
      "services.serving.knative.dev",
      "revisions.serving.knative.dev",
    ]);
  });

  it("should make npm run cluster install them, with stand-ins only for the kinds left", async () => {
    const names = (await clusterCrds()).map((crd) => crd.metadata.name ?? "");
    expect(names).to.include.members(crds.map(crdName));
    expect(names.filter((name) => !crds.map(crdName).includes(name)).sort()).to.deep.equal([
      "certificates.cert-manager.io",
      "compositecontrollers.metacontroller.k8s.io",
      "issuers.cert-manager.io",
    ]);
    expect(new Set(names).size).to.equal(names.length);
  });

  it("should serve the versions of kubevirt.io that the preview's matchPolicy Equivalent takes as equivalent, converting with None", () => {
    type Spec = {
      group: string;
      versions: { name: string; served: boolean }[];
      conversion?: { strategy: string };
    };
    const kubevirt = crds
      .map((crd) => crd["spec"] as Spec)
      .filter((spec) => spec.group === "kubevirt.io");
    expect(kubevirt).to.have.length.above(0);
    for (const spec of kubevirt) {
      const served = spec.versions.filter((v) => v.served).map((v) => v.name);
      expect(served).to.deep.equal(servedVersions("kubevirt.io"));
      expect(spec.conversion?.strategy ?? "None").to.equal("None");
    }
  });

  it("should leave the Machine CRDs' short names to them alone", () => {
    const short = (crd: Record<string, unknown>): string[] =>
      (crd["spec"] as { names: { shortNames?: string[] } }).names.shortNames ?? [];
    const ours = [machineCrd, networkConfigurationCrd].flatMap(short);
    expect(ours).to.deep.equal(["vitimachine", "netconf"]);
    const theirs = crds.flatMap((crd) => short(crd).map((name) => `${crdName(crd)}: ${name}`));
    expect(theirs.filter((line) => ours.includes(line.split(": ")[1] ?? ""))).to.deep.equal([]);
  });

  it("should give every upstream CRD a structural schema, as the API server demands", () => {
    const violations = crds.flatMap((crd) =>
      (
        crd["spec"] as { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] }
      ).versions
        .flatMap((v) => structuralViolations(v.schema.openAPIV3Schema))
        .map((line) => `${crdName(crd)}: ${line}`),
    );
    expect(violations).to.deep.equal([]);
  });

  it("should report a field KubeVirt's VirtualMachine does not declare, and a wrong type", () => {
    const vm = parseObjects(
      readFileSync(join(ROOT, "examples/nested-virt-annotation.yaml"), "utf8"),
      "vm",
    )[0] as KubeObject & { spec: Record<string, unknown> };
    const spec = { ...vm.spec, runStrategy: 3, cpuFeatures: ["vmx"] };
    expect(check({ ...vm, spec } as StoredObject)).to.deep.equal([
      "/spec/runStrategy must be string",
      "pruned .spec.cpuFeatures",
    ]);
  });

  it("should report a container field Knative's Service does not declare", () => {
    const [service] = objectsIn("knative")
      .flatMap(({ objects }) => objects)
      .filter((o) => o.kind === "Service" && o.apiVersion === "serving.knative.dev/v1");
    const changed = structuredClone(service) as unknown as StoredObject & {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const [container] = changed.spec.template.spec.containers;
    if (container) container["restartPolicy"] = "Always";
    expect(check(changed)).to.deep.equal([
      "pruned .spec.template.spec.containers[0].restartPolicy",
    ]);
  });

  it("should ship no empty env value, which Knative's webhook and the API server's Go types drop", () => {
    const empty = (value: unknown, path: string): string[] => {
      if (Array.isArray(value)) return value.flatMap((v, i) => empty(v, `${path}[${i}]`));
      if (typeof value !== "object" || value === null) return [];
      const entry = value as Record<string, unknown>;
      if (Array.isArray(entry["env"]))
        return (entry["env"] as { name: string; value?: unknown }[])
          .filter((e) => e.value === "")
          .map((e) => `${path}.env ${e.name}`);
      return Object.entries(entry).flatMap(([k, v]) => empty(v, `${path}.${k}`));
    };
    const found = objectsIn("knative").flatMap(({ file, objects }) =>
      objects.flatMap((o) => empty(o, `${file} ${o.kind ?? ""}/${o.metadata?.name ?? ""}`)),
    );
    expect(found).to.deep.equal([]);
  });

  for (const { file, objects } of objectsIn("knative")) {
    const services = objects.filter(
      (o) => o.kind === "Service" && o.apiVersion === "serving.knative.dev/v1",
    );
    if (services.length === 0) continue;
    it(`should store every Knative Service of ${file} as sent`, () => {
      for (const service of services)
        expect(check(service), `${file} ${service.metadata?.name ?? ""}`).to.deep.equal([]);
    });
  }

  it("should store every VM the examples produce, before and after the webhook chain, as sent", async () => {
    const vms = await exampleVms();
    expect(vms.map(({ what }) => what)).to.include.members([
      "examples/pci-passthrough.yaml after the chain",
      "the VM machine-controller makes for examples/machine-basic.yaml after the chain",
    ]);
    const found = vms.flatMap(({ what, vm }) => check(vm).map((line) => `${what}: ${line}`));
    expect(found).to.deep.equal([]);
  });

  it("should store the example clusters' KubeVirt objects and PCIDevices as written", () => {
    expect(clusterObjects).to.not.deep.equal([]);
    const found = clusterObjects.flatMap(({ file, object }) =>
      check(object).map(
        (line) => `${file} ${object.kind ?? ""}/${object.metadata?.name ?? ""}: ${line}`,
      ),
    );
    expect(found).to.deep.equal([]);
  });
});
