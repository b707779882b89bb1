import { expect } from "chai";
import { thrown } from "../../test/helpers/errors.ts";
import { FeatureError } from "../basics/errors.ts";
import { checkDeviceResources, hostDeviceName, mergeDevices, withDevices } from "./devices.ts";
import type { DeviceEntry, VirtualMachine, VmiSpec } from "./types.ts";

const A10 = "nvidia.com/GA102GL_A10";
const VF = "intel.com/X710_VF";
const FIELD = "spec.template.spec.domain.devices.hostDevices";

describe("mergeDevices", () => {
  const cases: {
    name: string;
    existing: DeviceEntry[];
    wanted: { name: string; deviceName: string }[];
    entries: DeviceEntry[];
    serving: string[];
  }[] = [
    {
      name: "adds what is missing after the existing entries",
      existing: [{ name: "nic", deviceName: VF }],
      wanted: [{ name: "gpu-1", deviceName: A10 }],
      entries: [
        { name: "nic", deviceName: VF },
        { name: "gpu-1", deviceName: A10 },
      ],
      serving: ["gpu-1"],
    },
    {
      name: "reuses an entry of the same name and resource (its own earlier output)",
      existing: [{ name: "gpu-1", deviceName: A10, tag: "t" }],
      wanted: [{ name: "gpu-1", deviceName: A10 }],
      entries: [{ name: "gpu-1", deviceName: A10, tag: "t" }],
      serving: ["gpu-1"],
    },
    {
      name: "counts an entry of the same resource under another name (Harvester's)",
      existing: [{ name: "node1-000065000", deviceName: A10 }],
      wanted: [{ name: "gpu-1", deviceName: A10 }],
      entries: [{ name: "node1-000065000", deviceName: A10 }],
      serving: ["node1-000065000"],
    },
    {
      name: "adds only the devices beyond those already listed",
      existing: [{ name: "mine", deviceName: A10 }],
      wanted: [
        { name: "gpu-1", deviceName: A10 },
        { name: "gpu-2", deviceName: A10 },
      ],
      entries: [
        { name: "mine", deviceName: A10 },
        { name: "gpu-2", deviceName: A10 },
      ],
      serving: ["mine", "gpu-2"],
    },
    {
      name: "lets a name match win over a resource match for another wanted device",
      existing: [
        { name: "other", deviceName: A10 },
        { name: "gpu-2", deviceName: A10 },
      ],
      wanted: [
        { name: "gpu-1", deviceName: A10 },
        { name: "gpu-2", deviceName: A10 },
      ],
      entries: [
        { name: "other", deviceName: A10 },
        { name: "gpu-2", deviceName: A10 },
      ],
      serving: ["other", "gpu-2"],
    },
    {
      name: "never takes a DRA entry (no deviceName) for a resource",
      existing: [{ name: "dra", claimName: "c", requestName: "r" }],
      wanted: [{ name: "gpu-1", deviceName: A10 }],
      entries: [
        { name: "dra", claimName: "c", requestName: "r" },
        { name: "gpu-1", deviceName: A10 },
      ],
      serving: ["gpu-1"],
    },
  ];
  for (const tc of cases) {
    it(`should merge: ${tc.name}`, () => {
      const merged = mergeDevices(tc.existing, tc.wanted, FIELD);
      expect(merged.entries).to.deep.equal(tc.entries);
      expect(merged.serving.map((s) => s.name)).to.deep.equal(tc.serving);
    });
  }

  it("should refuse a name an entry of another resource already has", () => {
    const error = thrown(FeatureError, () =>
      mergeDevices(
        [{ name: "gpu-1", deviceName: VF }],
        [{ name: "gpu-1", deviceName: A10 }],
        FIELD,
      ),
    );
    expect([error.message, error.field, error.fix]).to.deep.equal([
      `${FIELD} already has an entry named "gpu-1" for ${VF}, so ${A10} cannot use that name`,
      FIELD,
      'rename or remove the "gpu-1" entry',
    ]);
  });

  it("should refuse two wanted devices that would share a name", () => {
    const error = thrown(FeatureError, () =>
      mergeDevices(
        [],
        [
          { name: "a-b-c", deviceName: "a.b/c" },
          { name: "a-b-c", deviceName: "a-b/c" },
        ],
        FIELD,
      ),
    );
    expect(error.message).to.equal(
      `a.b/c and a-b/c would both get the entry name "a-b-c" in ${FIELD}`,
    );
  });
});

describe("withDevices", () => {
  it("should create missing parents on a copy and leave the input alone", () => {
    const vm: VirtualMachine = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", spec: {} };
    const { vm: out, serving } = withDevices(vm, "gpus", [{ name: "g", deviceName: A10 }]);
    expect(out.spec).to.deep.equal({
      template: { spec: { domain: { devices: { gpus: [{ name: "g", deviceName: A10 }] } } } },
    });
    expect(vm.spec).to.deep.equal({});
    expect(serving).to.deep.equal([{ name: "g", deviceName: A10 }]);
  });
});

describe("hostDeviceName", () => {
  it("should name a device as Harvester names its PCIDevice, with alias-safe characters", () => {
    expect([
      hostDeviceName("worker-1", "0000:65:00.0"),
      hostDeviceName("gpu.lab.example", "0000:ca:00.1"),
    ]).to.deep.equal(["worker-1-000065000", "gpu-lab-example-0000ca001"]);
  });
});

describe("checkDeviceResources", () => {
  const spec = (resources: Record<string, unknown>): VmiSpec => ({
    domain: {
      devices: {
        gpus: [{ name: "a", deviceName: A10 }],
        hostDevices: [{ name: "b", deviceName: A10 }],
      },
      resources,
    },
  });

  it("should accept no own value, or one equal to the entries of the resource (gpus and hostDevices)", () => {
    expect(() => checkDeviceResources(spec({ requests: { memory: "1Gi" } }), [A10])).to.not.throw();
    expect(() => checkDeviceResources(spec({ limits: { [A10]: "2" } }), [A10])).to.not.throw();
  });

  it("should refuse an own limit that overrides KubeVirt's count", () => {
    const error = thrown(FeatureError, () =>
      checkDeviceResources(spec({ limits: { [A10]: "1" } }), [A10]),
    );
    expect([error.message, error.field, error.fix]).to.deep.equal([
      `limits["${A10}"] is "1", but the VM lists 2 device entries of it; KubeVirt requests one per entry and the VM's own value overrides that count`,
      "spec.template.spec.domain.resources.limits",
      `remove ${A10} from spec.template.spec.domain.resources.limits (KubeVirt adds the request itself), or set it to 2`,
    ]);
  });

  it("should refuse an own request as well", () => {
    const error = thrown(FeatureError, () =>
      checkDeviceResources(spec({ requests: { [A10]: "3" } }), [A10]),
    );
    expect(error.field).to.equal("spec.template.spec.domain.resources.requests");
  });
});
