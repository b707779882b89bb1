import { expect } from "chai";
import type { KubeVirtCr } from "./kubevirt-cr.ts";
import { featureGateEnabled, permittedDeviceClass } from "./kubevirt-cr.ts";

const cr = (developerConfiguration: object, permittedHostDevices: object = {}): KubeVirtCr => ({
  apiVersion: "kubevirt.io/v1",
  kind: "KubeVirt",
  metadata: { name: "kubevirt", namespace: "kubevirt" },
  spec: { configuration: { developerConfiguration, permittedHostDevices } },
});

describe("KubeVirt CR feature gates", () => {
  const cases: { name: string; given: object; want: boolean }[] = [
    { name: "listed in featureGates", given: { featureGates: ["GPU", "Sidecar"] }, want: true },
    { name: "not listed", given: { featureGates: ["GPU"] }, want: false },
    { name: "no developerConfiguration lists", given: {}, want: false },
    // KubeVirt v1.9 featuregate.IsEnabled: an explicit enable wins over disabledFeatureGates.
    {
      name: "listed in both featureGates and disabledFeatureGates",
      given: { featureGates: ["Sidecar"], disabledFeatureGates: ["Sidecar"] },
      want: true,
    },
    {
      name: "only in disabledFeatureGates",
      given: { disabledFeatureGates: ["Sidecar"] },
      want: false,
    },
  ];
  for (const tc of cases) {
    it(`should read an Alpha gate ${tc.name} as ${tc.want ? "on" : "off"}`, () => {
      expect(featureGateEnabled(cr(tc.given), "Sidecar")).to.equal(tc.want);
    });
  }

  it("should tell PCI, mediated and USB resource names apart", () => {
    const permitted = cr(
      {},
      {
        pciHostDevices: [{ pciVendorSelector: "1002:15BF", resourceName: "amd.com/IGPU" }],
        mediatedDevices: [{ mdevNameSelector: "GRID A100-4C", resourceName: "nvidia.com/A100" }],
        usb: [{ resourceName: "kubevirt.io/mouse", selectors: [] }],
      },
    );
    expect(
      ["amd.com/IGPU", "nvidia.com/A100", "kubevirt.io/mouse", "x.com/OTHER"].map((name) =>
        permittedDeviceClass(permitted, name),
      ),
    ).to.deep.equal(["pci", "mediated", "usb", undefined]);
  });
});
