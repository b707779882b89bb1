import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";
import { PHASES } from "../functions/machine-controller/api.ts";
import {
  machineCrd,
  networkConfigurationCrd,
} from "../functions/machine-controller/schema/crds.ts";
import { machineStatusSchema } from "../functions/machine-controller/schema/machine-status.ts";
import { sync } from "../functions/machine-controller/hooks/sync.ts";
import { CRD_FILE, crdYaml } from "../scripts/machine-crds.ts";
import { crdValidator, structuralViolations } from "./helpers/crd-validator.ts";
import { MACHINE_EXAMPLES } from "./helpers/examples.ts";
import {
  cluster,
  hookRequest,
  machine,
  networkConfiguration,
  NOW,
  stored,
  vmi,
} from "./helpers/machines.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, "utf8");
const schemaOf = (crd: Record<string, unknown>): Record<string, unknown> =>
  (crd["spec"] as { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] })
    .versions[0]?.schema.openAPIV3Schema ?? {};

const validMachine = crdValidator(schemaOf(machineCrd));
const validNetwork = crdValidator(schemaOf(networkConfigurationCrd));

describe("the Machine and NetworkConfiguration CRDs", () => {
  it("should be what the chart's files/machine-crds.yaml holds (npm run machine-crds writes it)", async () => {
    expect(readFileSync(CRD_FILE, "utf8")).to.equal(await crdYaml());
  });

  for (const crd of [machineCrd, networkConfigurationCrd]) {
    it(`should give ${String((crd["metadata"] as { name: string }).name)} a structural schema`, () => {
      expect(structuralViolations(schemaOf(crd))).to.deep.equal([]);
    });
  }

  it("should have a structural check that catches what the API server refuses", () => {
    expect(
      structuralViolations({
        type: "object",
        properties: {
          metadata: { type: "object", properties: { labels: { type: "object" } } },
          a: { description: "no type" },
          b: { type: "object", properties: {}, additionalProperties: { type: "string" } },
          c: { type: "string", anyOf: [{ type: "string", description: "x" }] },
          d: {
            type: "array",
            items: { type: "object", properties: { id: { type: "string" } } },
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["id"],
          },
          e: { $ref: "#/definitions/x", type: "object" },
        },
      }),
    ).to.deep.equal([
      "metadata: only type and restrictions on name and generateName are allowed",
      ".a: type must be set",
      ".b: properties and additionalProperties exclude each other",
      ".c.anyOf: description is not allowed inside a junctor",
      ".c.anyOf: type is not allowed inside a junctor",
      ".d: list map key id must be required",
      ".e: $ref is not allowed",
    ]);
  });

  it("should give Machine a short name of its own: Cluster API's machines are `ma`, KubeVirt's VMs `vm`", () => {
    const names = (crd: Record<string, unknown>): { shortNames: string[] } =>
      (crd["spec"] as { names: { shortNames: string[] } }).names;
    expect(names(machineCrd).shortNames).to.deep.equal(["vitimachine"]);
    expect(names(networkConfigurationCrd).shortNames).to.deep.equal(["netconf"]);
  });

  it("should give Machines the status subresource, and NetworkConfigurations none (nothing writes one)", () => {
    const versions = (crd: Record<string, unknown>): { subresources?: unknown }[] =>
      (crd["spec"] as { versions: { subresources?: unknown }[] }).versions;
    expect(versions(machineCrd)[0]?.subresources).to.deep.equal({ status: {} });
    expect(versions(networkConfigurationCrd)[0]?.subresources).to.equal(undefined);
  });

  describe("accepting the examples", () => {
    for (const file of MACHINE_EXAMPLES) {
      it(`should accept examples/${file}.yaml`, () => {
        expect(validMachine(parse(read(`examples/${file}.yaml`)))).to.deep.equal([]);
      });
    }
    it("should accept the NetworkConfigurations of examples/machine-cluster.yaml", () => {
      const items = (
        parse(read("examples/machine-cluster.yaml")) as { items: { kind: string }[] }
      ).items.filter((i) => i.kind === "NetworkConfiguration");
      expect(items).to.have.length(3);
      for (const item of items) expect(validNetwork(item)).to.deep.equal([]);
    });
  });

  describe("refusing malformed Machines", () => {
    const cases: {
      name: string;
      spec: unknown;
      error?: string;
      errors?: string[];
      machineName?: string;
    }[] = [
      {
        name: "an unknown template",
        spec: { template: "huge" },
        error: "/spec/template must be equal to one of the allowed values",
      },
      { name: "no template", spec: {}, error: "/spec must have required property 'template'" },
      {
        name: "a size that is no quantity",
        spec: { template: "small", disks: [{ name: "d", size: "10GB" }] },
        error:
          '/spec/disks/0/size must match pattern "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$"',
      },
      {
        name: "a size that is neither number nor string",
        spec: { template: "small", resources: { memory: { size: true } } },
        errors: [
          "/spec/resources/memory/size must be integer",
          "/spec/resources/memory/size must be string",
          "/spec/resources/memory/size must match a schema in anyOf",
        ],
      },
      {
        name: "two disks of one name",
        spec: {
          template: "small",
          disks: [
            { name: "d", size: "1Gi" },
            { name: "d", size: "2Gi" },
          ],
        },
        error: '.spec.disks[1]: Duplicate value: ["d"]',
      },
      {
        name: "an unknown access mode",
        spec: { template: "small", disks: [{ name: "root", accessMode: "RWO" }] },
        error: "/spec/disks/0/accessMode must be equal to one of the allowed values",
      },
      {
        name: "a disk name that is no DNS label",
        spec: { template: "small", disks: [{ name: "Data_1", size: "1Gi" }] },
        error: '/spec/disks/0/name must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"',
      },
      {
        name: "a disk with two sources",
        spec: {
          template: "small",
          disks: [{ name: "root", source: { blank: {}, pvc: { namespace: "a", name: "b" } } }],
        },
        error: ".spec.disks[0].source: set exactly one of http, registry, pvc and blank",
      },
      {
        name: "a registry source that is not docker:// or oci-archive://",
        spec: {
          template: "small",
          disks: [{ name: "root", source: { registry: { url: "quay.io/fedora" } } }],
        },
        error: '/spec/disks/0/source/registry/url must match pattern "^(docker|oci-archive)://"',
      },
      {
        name: "an http source without a URL",
        spec: { template: "small", disks: [{ name: "root", source: { http: {} } }] },
        error: "/spec/disks/0/source/http must have required property 'url'",
      },
      {
        name: "zero cores",
        spec: { template: "small", resources: { cpu: { cores: 0 } } },
        error: "/spec/resources/cpu/cores must be >= 1",
      },
      {
        name: "a network without networkName",
        spec: { template: "small", networks: [{ name: "n" }] },
        error: "/spec/networks/0 must have required property 'networkName'",
      },
      {
        name: "a malformed MAC address",
        spec: {
          template: "small",
          networks: [{ name: "n", networkName: "x", macAddress: "02:00:00:00:00" }],
        },
        error:
          '/spec/networks/0/macAddress must match pattern "^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$"',
      },
      {
        name: "an unknown NIC model",
        spec: { template: "small", networks: [{ name: "n", networkName: "x", model: "ne2k" }] },
        error: "/spec/networks/0/model must be equal to one of the allowed values",
      },
      {
        name: "a boot device twice",
        spec: { template: "small", bootOrder: ["disk", "disk"] },
        error: '.spec.bootOrder[1]: Duplicate value: "disk"',
      },
      {
        name: "inline user data and a Secret",
        spec: {
          template: "small",
          cloudInit: { userData: "#cloud-config", secretRef: { name: "s" } },
        },
        error: ".spec.cloudInit: set userData or secretRef, not both",
      },
      {
        name: "inline user data over 2 KiB",
        spec: { template: "small", cloudInit: { userData: "x".repeat(2049) } },
        error: "/spec/cloudInit/userData must NOT have more than 2048 characters",
      },
      {
        name: "a Secret key KubeVirt does not read",
        spec: { template: "small", cloudInit: { secretRef: { name: "s", key: "user-data" } } },
        error: "/spec/cloudInit/secretRef/key must be equal to one of the allowed values",
      },
      {
        name: "Secure Boot without EFI",
        spec: { template: "small", domain: { firmware: { bootloader: { secureBoot: true } } } },
        error: ".spec.domain.firmware.bootloader: secureBoot needs efi: true",
      },
      {
        name: "a name over 63 characters",
        spec: { template: "small" },
        machineName: "m".repeat(64),
        error: "(root): a Machine's name is its VM's and a label value: at most 63 characters",
      },
    ];
    for (const tc of cases) {
      it(`should refuse ${tc.name}, and the function should report it Failed too`, () => {
        const object = machine(tc.spec, tc.machineName ? { name: tc.machineName } : {});
        expect(validMachine(object)).to.deep.equal(tc.errors ?? [tc.error]);
        expect(sync(hookRequest(object, { related: cluster() }), NOW).status.phase).to.equal(
          "Failed",
        );
      });
    }
  });

  describe("refusing malformed NetworkConfigurations", () => {
    const cases: { name: string; spec: Record<string, unknown>; error: string }[] = [
      {
        name: "both multus and pod",
        spec: { multus: { networkName: "a" }, pod: {} },
        error: ".spec: set at most one of multus and pod",
      },
      {
        name: "neither multus, pod, vlan nor bridge",
        spec: { description: "nothing" },
        error: ".spec: set multus, pod, or vlan and/or bridge",
      },
      {
        name: "VLAN 0",
        spec: { vlan: 0 },
        error: "/spec/vlan must be >= 1",
      },
      {
        name: "a bridge name Linux refuses",
        spec: { bridge: "br 0" },
        error: '/spec/bridge must match pattern "^[^/:\\s]+$"',
      },
      {
        name: "a bridge name over 15 characters",
        spec: { bridge: "br-vlan100-long0" },
        error: "/spec/bridge must NOT have more than 15 characters",
      },
      {
        name: "the bridge ..",
        spec: { bridge: ".." },
        error: ".spec: bridge must be a Linux interface name, not . or ..",
      },
      {
        name: "masquerade on a Multus network",
        spec: { multus: { networkName: "a" }, binding: "masquerade" },
        error: ".spec: masquerade works on the pod network only",
      },
      {
        name: "a VLAN out of range",
        spec: { pod: {}, vlan: 4095 },
        error: "/spec/vlan must be <= 4094",
      },
      {
        name: "a malformed NetworkAttachmentDefinition name",
        spec: { multus: { networkName: "Ns/Net" } },
        error:
          '/spec/multus/networkName must match pattern "^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"',
      },
    ];
    for (const tc of cases) {
      it(`should refuse ${tc.name}`, () => {
        expect(validNetwork(networkConfiguration("n", tc.spec))).to.deep.equal([tc.error]);
      });
    }
  });

  it("should accept every status the function writes", () => {
    const validStatus = crdValidator(machineStatusSchema);
    const parent = machine({ template: "small" });
    const first = sync(hookRequest(parent, { related: cluster() }), NOW);
    const children = first.children.map((c) => stored(c, { phase: "Bound" }));
    const statuses = [
      first.status,
      sync(
        hookRequest(parent, {
          children,
          related: cluster(
            vmi("web", "Running", { nodeName: "n", interfaces: [{ ipAddress: "10.0.0.1" }] }),
          ),
        }),
        NOW,
      ).status,
      sync(hookRequest(machine({ template: "nope" }), { related: cluster() }), NOW).status,
    ];
    for (const status of statuses) expect(validStatus(status)).to.deep.equal([]);
  });
});

describe("knative/machine-controller-metrics.yaml", () => {
  const [config] = parseAllDocuments(read("knative/machine-controller-metrics.yaml")).map(
    (d) => d.toJS() as { data?: Record<string, string> },
  );
  const resource =
    (
      parse(config?.data?.["config.yaml"] ?? "") as {
        spec: { resources: Record<string, unknown>[] };
      }
    ).spec.resources[0] ?? {};
  const metrics = resource["metrics"] as {
    name: string;
    each: Record<string, Record<string, unknown>>;
  }[];

  it("should count Machines by every phase the function writes", () => {
    const phase = metrics.find((m) => m.name === "status_phase");
    expect(phase?.each["stateSet"]).to.deep.include({
      path: ["status", "phase"],
      list: [...PHASES],
    });
  });

  it("should read only paths the Machine schema has", () => {
    const has = (path: string[]): boolean => {
      let node: Record<string, unknown> | undefined = schemaOf(machineCrd);
      for (const part of path)
        node = (
          (node?.["properties"] ??
            (node?.["items"] as Record<string, unknown> | undefined)?.["properties"]) as
            Record<string, Record<string, unknown>> | undefined
        )?.[part];
      return node !== undefined;
    };
    const labels = resource["labelsFromPath"] as Record<string, string[]>;
    // metadata is ObjectMeta, which a CRD schema does not spell out.
    const own = Object.values(labels).filter((path) => path[0] !== "metadata");
    expect(own).to.deep.equal([["spec", "template"]]);
    for (const path of own) expect(has(path), path.join(".")).to.equal(true);
    for (const path of [
      ["status", "phase"],
      ["status", "conditions", "type"],
      ["status", "conditions", "reason"],
      ["status", "conditions", "status"],
      ["status", "vmName"],
      ["status", "nodeName"],
    ]) {
      expect(has(path), path.join(".")).to.equal(true);
    }
    expect(has(["status", "nothing"])).to.equal(false);
  });
});
