// The Helm chart (charts/vm-feature-functions) rendered by the helm built from its Go module:
// lint, every file npm run render writes is current, and value combinations render what their
// docs promise.
import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import { namesOf } from "../functions/registry.ts";
import { helm, kubeVersionArgs } from "../scripts/helm.ts";
import { CHART } from "../scripts/render/helm-template.ts";
import { HARVESTER_VALUES, KNATIVE_VALUES } from "../scripts/render/outputs.ts";
import type { Doc } from "./helpers/manifests.ts";
import {
  chartError,
  HELM_BUILD_TIMEOUT_MS,
  ofKind,
  renderChart,
  renderChartWith,
  runHelm,
  runHelmWith,
  valuesKey,
} from "./helpers/chart.ts";

// The features with a webhook entry: their values key and their function's name.
export const FEATURES = namesOf("admission").map((name) => [valuesKey(name), name] as const);

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
}

const podSpecOf = (doc: Doc): { containers?: Container[]; initContainers?: Container[] } => {
  const spec = doc["spec"] as { template?: { spec?: Record<string, unknown> } } | undefined;
  return (spec?.template?.spec ?? {}) as { containers?: Container[] };
};

/** Every container of every workload, with the object it is in. */
const containers = (docs: readonly Doc[]): { owner: string; container: Container }[] =>
  docs.flatMap((d) => {
    const spec = podSpecOf(d);
    return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((container) => ({
      owner: `${d.kind}/${d.metadata?.name}`,
      container,
    }));
  });

/** The front door's nginx.conf, as its ConfigMap holds it. */
const nginxConf = (docs: readonly Doc[]): string =>
  String(
    (ofKind(docs, "ConfigMap", "front-door")[0]?.["data"] as Record<string, unknown>)["nginx.conf"],
  );

const entries = (docs: readonly Doc[]): { name: string }[] =>
  ofKind(docs, "MutatingWebhookConfiguration").flatMap(
    (c) => (c["webhooks"] ?? []) as { name: string }[],
  );

/** The function's container in its Knative Service or Deployment. */
function functionEnv(docs: readonly Doc[], name: string): Record<string, string | undefined> {
  const workload = docs.find(
    (d) => (d.kind === "Service" || d.kind === "Deployment") && d.metadata?.name === name,
  );
  const env = podSpecOf(workload ?? {}).containers?.[0]?.env ?? [];
  return Object.fromEntries(env.map((e) => [e.name, e.value]));
}

describe("the Helm chart", function () {
  this.timeout(HELM_BUILD_TIMEOUT_MS);
  let defaults: Doc[] = [];

  before(() => {
    helm();
    defaults = renderChart();
  });

  it("should pass helm lint with its defaults, the knative/ values and Harvester's", () => {
    for (const values of [[], ["-f", KNATIVE_VALUES], ["-f", HARVESTER_VALUES]]) {
      const { status, output } = runHelm("lint", CHART, "--strict", ...values);
      expect(status, output).to.equal(0);
      expect(output).to.include("1 chart(s) linted, 0 chart(s) failed");
    }
  });

  it("should lint and render the same objects with Helm 3", () => {
    const { status, output } = runHelmWith(3, "lint", CHART, "--strict", ...kubeVersionArgs(3));
    expect(status, output).to.equal(0);
    // Helm 3 and 4 order kinds they do not know (Knative's, cert-manager's) differently.
    const byName = (docs: Doc[]): Doc[] =>
      docs.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
    const key = (d: Doc): string => `${d.apiVersion}/${d.kind}/${d.metadata?.name}`;
    for (const values of [[], ["-f", KNATIVE_VALUES], ["--set", "serving=deployment"]])
      expect(byName(renderChartWith(3, ...values)), values.join(" ")).to.deep.equal(
        byName(renderChart(...values)),
      );
  });

  it("should give every feature an entry and a Knative Service by default, and gate nothing by name", () => {
    expect(entries(defaults).map((e) => e.name)).to.deep.equal(
      FEATURES.map(([, name]) => `${name}.vm-feature-manager.io`),
    );
    for (const [, name] of FEATURES)
      expect(ofKind(defaults, "Service", name).map((s) => s.apiVersion)).to.deep.equal([
        "serving.knative.dev/v1",
      ]);
    // No rules, no data: the API server would store `data: {}` as none (server-side-apply.test.ts).
    expect(ofKind(defaults, "ConfigMap", "nested-virt-rules")[0]).to.deep.equal({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "nested-virt-rules", namespace: "vm-feature-functions" },
    });
  });

  for (const [key, name] of FEATURES) {
    it(`should drop ${name}'s entry, Service and ServiceAccount with ${key}.enabled=false`, () => {
      const docs = renderChart("--set", `${key}.enabled=false`);
      const names = entries(docs).map((e) => e.name);
      expect(names).to.not.include(`${name}.vm-feature-manager.io`);
      expect(names).to.have.length(FEATURES.length - 1);
      expect(docs.filter((d) => d.metadata?.name === name)).to.deep.equal([]);
      expect(docs.filter((d) => JSON.stringify(d).includes(`:${name}`))).to.deep.equal([]);
    });
  }

  it("should render no webhook configuration when every feature is off", () => {
    const off = FEATURES.flatMap(([key]) => ["--set", `${key}.enabled=false`]);
    expect(ofKind(renderChart(...off), "MutatingWebhookConfiguration")).to.deep.equal([]);
  });

  for (const mode of ["reject", "allow-and-log", "strip-label"]) {
    it(`should set each function's error handling to ${mode}`, () => {
      const set = FEATURES.flatMap(([key]) => ["--set", `${key}.errorHandling=${mode}`]);
      const docs = renderChart(...set);
      for (const [, name] of FEATURES) {
        const variable = `${name.toUpperCase().replace(/-/g, "_")}_ERROR_HANDLING`;
        expect(functionEnv(docs, name)[variable], name).to.equal(mode);
      }
    });
  }

  it("should put each feature's failurePolicy and timeoutSeconds on its entry", () => {
    const docs = renderChart(
      "--set",
      "pciPassthrough.failurePolicy=Ignore,pciPassthrough.timeoutSeconds=25",
    );
    const hooks = entries(docs) as unknown as Record<string, unknown>[];
    const pci = hooks.find((h) => h["name"] === "pci-passthrough.vm-feature-manager.io");
    expect(pci).to.include({ failurePolicy: "Ignore", timeoutSeconds: 25 });
    const nested = hooks.find((h) => h["name"] === "nested-virt.vm-feature-manager.io");
    expect(nested).to.include({ failurePolicy: "Fail", timeoutSeconds: 10 });
  });

  it("should write settings as the variables the docs name, whole numbers in full", () => {
    const docs = renderChart(
      "--set",
      "gpuDevicePlugin.settings.gpuMaxDevices=4,gpuDevicePlugin.settings.clusterCacheMaxStaleMs=1000000",
    );
    expect(functionEnv(docs, "gpu-device-plugin")).to.include({
      GPU_MAX_DEVICES: "4",
      GPU_MODE: "gpus",
      CLUSTER_CACHE_MAX_STALE_MS: "1000000",
      CLUSTER_LOOKUP_DEADLINE_MS: "3000",
    });
  });

  it("should render nested-virt's rules into the ConfigMap and the entry's namespaces", () => {
    const docs = renderChart("--set-json", 'nestedVirt.rules={"lab":["^ci-.*","^b$"],"dev":["x"]}');
    expect(ofKind(docs, "ConfigMap", "nested-virt-rules")[0]?.["data"]).to.deep.equal({
      dev: "x",
      lab: "^ci-.*,^b$",
    });
    const hook = entries(docs)[0] as unknown as { matchConditions: { expression: string }[] };
    expect(hook.matchConditions[1]?.expression).to.match(/request\.namespace in \['dev', 'lab'\]$/);
    const none = entries(defaults)[0] as unknown as { matchConditions: { expression: string }[] };
    expect(none.matchConditions[1]?.expression).to.match(/request\.namespace in \[\]$/);
  });

  it("should roll the front door when its nginx.conf changes, and only then", () => {
    const checksum = (docs: readonly Doc[]): unknown => {
      const spec = ofKind(docs, "Deployment", "front-door")[0]?.["spec"] as {
        template: { metadata: { annotations: Record<string, string> } };
      };
      return spec.template.metadata.annotations["checksum/config"];
    };
    expect(checksum(renderChart("--set", "nestedVirt.timeoutSeconds=20"))).to.equal(
      checksum(defaults),
    );
    expect(checksum(renderChart("--set", "clusterDomain=example.internal"))).to.not.equal(
      checksum(defaults),
    );
  });

  it("should keep connections to Knative's ingress, Kourier's unless frontDoor.knativeIngress says", () => {
    const upstream = (docs: readonly Doc[]): string[] =>
      nginxConf(docs)
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => /^(server \S+:80;|keepalive \d+;|proxy_pass )/.test(line));
    expect(upstream(defaults)).to.deep.equal([
      "server kourier-internal.kourier-system.svc.cluster.local:80;",
      "keepalive 16;",
      "proxy_pass http://knative-ingress;",
    ]);
    const istio = renderChart(
      "--set",
      "frontDoor.knativeIngress=knative-local-gateway.istio-system,clusterDomain=example.internal",
    );
    expect(upstream(istio)[0]).to.equal(
      "server knative-local-gateway.istio-system.svc.example.internal:80;",
    );
  });

  describe("serving: deployment", () => {
    let docs: Doc[] = [];
    before(() => {
      docs = renderChart("--set", "serving=deployment,nestedVirt.replicas=3");
    });

    it("should route each review to its function's own Service by DNS, with no ingress", () => {
      const conf = nginxConf(docs);
      expect(conf).to.not.include("upstream");
      expect(conf).to.include(
        "proxy_pass http://$function.vm-feature-functions.svc.cluster.local;",
      );
    });

    it("should render no Knative object", () => {
      expect(docs.filter((d) => String(d.apiVersion).includes("knative.dev"))).to.deep.equal([]);
    });

    it("should give each function a Deployment and a port-80 Service of its name", () => {
      for (const [, name] of FEATURES) {
        const [deployment] = ofKind(docs, "Deployment", name);
        expect(podSpecOf(deployment ?? {}).containers?.[0]?.env?.[0]).to.deep.equal({
          name: "FUNCTION_TARGET",
          value: name,
        });
        const [service] = ofKind(docs, "Service", name);
        expect(service?.["spec"]).to.deep.equal({
          selector: { "app.kubernetes.io/name": name },
          ports: [{ name: "http", port: 80, targetPort: 8080 }],
        });
      }
    });

    it("should add a PodDisruptionBudget only where more than one replica runs", () => {
      expect(ofKind(docs, "PodDisruptionBudget").map((d) => d.metadata?.name)).to.deep.equal([
        "front-door",
        "nested-virt",
      ]);
      expect(ofKind(docs, "Deployment", "nested-virt")[0]?.["spec"]).to.include({ replicas: 3 });
    });
  });

  describe("an image from another registry", () => {
    const IMAGE = "registry.example/mirror/functions";

    it("should reach every container of the image and the metadata sidecar's setting", () => {
      const docs = renderChart(
        "-f",
        KNATIVE_VALUES,
        "--set",
        `image.repository=${IMAGE},image.tag=1.2.3`,
      );
      const ours = containers(docs).filter(({ container }) => container.name !== "nginx");
      expect(ours.length).to.equal(FEATURES.length + 2);
      for (const { owner, container } of ours)
        expect(container.image, owner).to.equal(`${IMAGE}:1.2.3`);
      expect(JSON.stringify(docs)).to.not.include("ghcr.io/vm-feature-functions");
      expect(functionEnv(docs, "imds-injector")["IMDS_INJECTOR_IMAGE"]).to.equal(`${IMAGE}:1.2.3`);
    });

    it("should pin the image by digest when one is given", () => {
      const digest = `sha256:${"a".repeat(64)}`;
      const docs = renderChart("--set", `image.repository=${IMAGE},image.digest=${digest}`);
      expect(functionEnv(docs, "imds-injector")["IMDS_INJECTOR_IMAGE"]).to.equal(
        `${IMAGE}@${digest}`,
      );
      expect(containers(ofKind(docs, "DaemonSet"))[0]?.container.image).to.equal(
        `${IMAGE}@${digest}`,
      );
    });
  });

  describe("the front door's certificate", () => {
    const webhookCa = (docs: readonly Doc[]): string[] =>
      (entries(docs) as unknown as { clientConfig: { caBundle?: string } }[]).map((e) =>
        Buffer.from(e.clientConfig.caBundle ?? "", "base64").toString(),
      );

    it("should come from cert-manager by default, the CA injected into the entries", () => {
      const [config] = ofKind(defaults, "MutatingWebhookConfiguration");
      expect(config?.metadata).to.deep.include({
        annotations: { "cert-manager.io/inject-ca-from": "vm-feature-functions/front-door-ca" },
      });
      expect(ofKind(defaults, "Certificate").map((c) => c.metadata?.name)).to.deep.equal([
        "front-door-ca",
        "front-door",
      ]);
      expect(ofKind(defaults, "Secret")).to.deep.equal([]);
    });

    it("should be made by the chart with certificate.source=generated, trusted by every entry", () => {
      const docs = renderChart("--set", "certificate.source=generated");
      expect(ofKind(docs, "Certificate")).to.deep.equal([]);
      const [secret] = ofKind(docs, "Secret", "front-door-tls");
      const data = secret?.["data"] as Record<string, string>;
      const pem = (key: string): string => Buffer.from(data[key] ?? "", "base64").toString();
      const ca = new X509Certificate(pem("ca.crt"));
      const cert = new X509Certificate(pem("tls.crt"));
      expect(cert.verify(ca.publicKey)).to.equal(true);
      expect(cert.checkHost("vm-feature-webhooks.vm-feature-functions.svc")).to.equal(
        "vm-feature-webhooks.vm-feature-functions.svc",
      );
      expect(webhookCa(docs)).to.deep.equal(FEATURES.map(() => pem("ca.crt")));
      const [config] = ofKind(docs, "MutatingWebhookConfiguration");
      expect(config?.metadata).to.not.have.property("annotations");
    });

    it("should use the CA and certificate given with certificate.source=provided", () => {
      const docs = renderChart(
        "--set",
        "certificate.source=provided,certificate.provided.caCert=CA,certificate.provided.cert=C,certificate.provided.key=K",
      );
      const data = ofKind(docs, "Secret", "front-door-tls")[0]?.["data"];
      expect(data).to.deep.equal({ "tls.crt": "Qw==", "tls.key": "Sw==", "ca.crt": "Q0E=" });
      expect(webhookCa(docs)).to.deep.equal(FEATURES.map(() => "CA"));
    });
  });

  describe("a wrong value", () => {
    const cases: { name: string; args: string[]; key: string; says: string }[] = [
      {
        name: "an error mode that does not exist",
        args: ["--set", "nestedVirt.errorHandling=ignore"],
        key: "/nestedVirt/errorHandling",
        says: "value must be one of 'reject', 'allow-and-log', 'strip-label'",
      },
      {
        name: "a negative timeout",
        args: ["--set", "gpuDevicePlugin.timeoutSeconds=-1"],
        key: "/gpuDevicePlugin/timeoutSeconds",
        says: "minimum: got -1, want 1",
      },
      {
        name: "a timeout over the API server's 30 s",
        args: ["--set", "imdsInjector.timeoutSeconds=31"],
        key: "/imdsInjector/timeoutSeconds",
        says: "maximum: got 31, want 30",
      },
      {
        name: "a rule that is not a regular expression",
        args: ["--set-json", 'nestedVirt.rules={"default":["^vm-(.*"]}'],
        key: "/nestedVirt/rules/default/0",
        says: "'^vm-(.*' is not valid regex: error parsing regexp: missing closing ): `^vm-(.*`",
      },
      {
        name: "a serving mode that does not exist",
        args: ["--set", "serving=openfaas"],
        key: "/serving",
        says: "value must be one of 'knative', 'deployment'",
      },
      {
        name: "an ingress that is not <name>.<namespace>",
        args: ["--set", "frontDoor.knativeIngress=kourier-internal"],
        key: "/frontDoor/knativeIngress",
        says: "'kourier-internal' does not match pattern",
      },
      {
        name: "a misspelt key",
        args: ["--set", "nestedVirt.enable=false"],
        key: "/nestedVirt",
        says: "additional properties 'enable' not allowed",
      },
    ];
    for (const tc of cases) {
      it(`should refuse ${tc.name}, naming the key`, () => {
        const error = chartError(...tc.args);
        expect(error).to.include("values don't meet the specifications of the schema");
        expect(error).to.include(`- at '${tc.key}': ${tc.says}`);
      });
    }

    it("should name the missing value when certificate.source=provided has no CA", () => {
      expect(chartError("--set", "certificate.source=provided")).to.include(
        "certificate.provided.caCert is required with certificate.source=provided",
      );
    });
  });
});
