// The features' field schemas are KubeVirt's: each functions/<name>/fields-schema.generated.ts is
// what scripts/field-schemas.ts derives from the VirtualMachine CRD of the pinned kubevirt.io
// module now (built once per pins by tools/kubevirt-crds, as test/upstream-crds.test.ts does).
import { expect } from "chai";
import { PCI_DEVICE_CRD } from "../scripts/cluster/pci-device-crd.ts";
import { staleFieldSchemas } from "../scripts/field-schemas.ts";
import { snapshotSchema } from "../scripts/field-schemas/roots.ts";

describe("the features' field schemas", function () {
  this.timeout(900_000);

  // The CRDs are shared with the cluster and the upstream-CRD checks in the same process.
  it("should leave the CRDs it reads as they were", async () => {
    const before = structuredClone(PCI_DEVICE_CRD);
    await snapshotSchema(["PCIDevice"]);
    expect(PCI_DEVICE_CRD).to.deep.equal(before);
  });

  it("should be current with KubeVirt's VirtualMachine schema (npm run field-schemas)", async () => {
    expect(await staleFieldSchemas(false)).to.deep.equal([]);
  });
});
