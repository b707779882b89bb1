import { expect } from "chai";
import {
  exampleClusterObjects,
  frontDoorService,
  shippedObjects,
  webhookConfiguration,
} from "../../scripts/cluster/install.ts";
import { manifestDocuments } from "../helpers/manifests.ts";

describe("what npm run cluster installs", () => {
  it("should keep the webhook configuration as shipped but for the caBundles and the rules' namespaces", () => {
    const shipped = manifestDocuments().find(
      ({ doc }) => doc.kind === "MutatingWebhookConfiguration",
    )?.doc;
    const installed = webhookConfiguration(
      "-----BEGIN CERTIFICATE-----\n",
      exampleClusterObjects(),
    );
    const entries = installed["webhooks"] as { clientConfig: Record<string, unknown> }[];
    expect(entries.map((e) => e.clientConfig["caBundle"])).to.deep.equal(
      entries.map(() => Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64")),
    );
    for (const entry of entries) delete entry.clientConfig["caBundle"];
    // examples/cluster.yaml's rules ConfigMap has rules for namespaces default and ci.
    const rules = JSON.stringify(shipped).replace(
      /request\.namespace in \[[^\]]*\]/,
      "request.namespace in ['ci', 'default']",
    );
    expect(installed).to.deep.equal(JSON.parse(rules));
  });

  it("should make the front door's Service an ExternalName to the loopback address, same name and port", () => {
    const service = shippedObjects().find((o) => o.kind === "Service" && o.apiVersion === "v1");
    if (!service) throw new Error("knative/ ships no v1 Service");
    expect(frontDoorService(service, "127.9.8.7")).to.deep.equal({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "vm-feature-webhooks", namespace: "vm-feature-functions" },
      spec: {
        type: "ExternalName",
        externalName: "127.9.8.7",
        ports: [{ name: "https", port: 443 }],
      },
    });
  });

  it("should install CRDs, then namespaces and ServiceAccounts, before anything that needs them", () => {
    const kinds = shippedObjects().map((o) => o.kind);
    const last = (kind: string): number => kinds.lastIndexOf(kind);
    expect(last("CustomResourceDefinition")).to.be.below(kinds.indexOf("Namespace"));
    expect(last("Namespace")).to.be.below(kinds.indexOf("ServiceAccount"));
    expect(last("ServiceAccount")).to.be.below(kinds.indexOf("ClusterRoleBinding"));
    expect(kinds).not.to.include("MutatingWebhookConfiguration");
  });

  it("should create the example cluster's objects without the uids the server assigns", () => {
    const objects = exampleClusterObjects();
    expect(objects.map((o) => o.metadata["uid"]).filter((uid) => uid !== undefined)).to.deep.equal(
      [],
    );
    expect(
      objects.filter((o) => o.kind === "VirtualMachineInstance").map((o) => o.metadata.name),
    ).to.deep.equal(["web-1", "edge-1", "nfv-1"]);
  });
});
