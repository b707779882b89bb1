// The features' field schemas are KubeVirt's: each functions/<name>/fields-schema.generated.ts is
// what scripts/field-schemas.ts derives from the VirtualMachine CRD of the pinned kubevirt.io
// module now (built once per pins by tools/kubevirt-crds, as test/upstream-crds.test.ts does).
import { expect } from "chai";
import { staleFieldSchemas } from "../scripts/field-schemas.ts";

describe("the features' field schemas", function () {
  this.timeout(900_000);

  it("should be current with KubeVirt's VirtualMachine schema (npm run field-schemas)", async () => {
    expect(await staleFieldSchemas(false)).to.deep.equal([]);
  });
});
