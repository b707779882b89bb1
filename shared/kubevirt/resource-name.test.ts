import { expect } from "chai";
import { resourceEntryName, resourceNameProblem } from "./resource-name.ts";

describe("resourceNameProblem", () => {
  const valid = [
    "nvidia.com/GA102GL_A10",
    "intel.com/X710_VF",
    "devices.kubevirt.io/vhost-net",
    "amd.com/gpu",
    "example/x.y-z",
  ];
  for (const name of valid) {
    it(`should accept ${name}`, () => {
      expect(resourceNameProblem(name)).to.equal(undefined);
    });
  }

  const cases: [string, string][] = [
    ["GA102GL_A10", '"GA102GL_A10" has no vendor domain'],
    ["NVIDIA.com/A10", '"NVIDIA.com" in "NVIDIA.com/A10" is not a lower-case DNS domain'],
    ["/A10", '"" in "/A10" is not a lower-case DNS domain'],
    ["nvidia_com/A10", '"nvidia_com" in "nvidia_com/A10" is not a lower-case DNS domain'],
    [
      "kubernetes.io/gpu",
      '"kubernetes.io/gpu" is in the kubernetes.io domain, which Kubernetes keeps for its own resources',
    ],
    [
      "node.kubernetes.io/gpu",
      '"node.kubernetes.io/gpu" is in the kubernetes.io domain, which Kubernetes keeps for its own resources',
    ],
    [
      "requests.nvidia.com/gpu",
      '"requests.nvidia.com/gpu" starts with requests., which Kubernetes keeps for quotas',
    ],
    [
      "nvidia.com/",
      "\"\" in \"nvidia.com/\" is not a resource name (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
    ],
    [
      "nvidia.com/_A10",
      "\"_A10\" in \"nvidia.com/_A10\" is not a resource name (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
    ],
    [
      "nvidia.com/a/b",
      "\"a/b\" in \"nvidia.com/a/b\" is not a resource name (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
    ],
    [
      `nvidia.com/${"A".repeat(64)}`,
      `"${"A".repeat(64)}" in "nvidia.com/${"A".repeat(64)}" is not a resource name (1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`,
    ],
  ];
  for (const [name, want] of cases) {
    it(`should refuse ${JSON.stringify(name.slice(0, 30))} saying why`, () => {
      expect(resourceNameProblem(name)).to.equal(want);
    });
  }
});

describe("resourceEntryName", () => {
  it("should keep letters, digits, _ and -, and turn the rest into single dashes", () => {
    expect([
      resourceEntryName("nvidia.com/GA102GL_A10"),
      resourceEntryName("nvidia.com/GA102GL_A10", 2),
      resourceEntryName("devices.kubevirt.io/vhost-net"),
    ]).to.deep.equal([
      "nvidia-com-GA102GL_A10",
      "nvidia-com-GA102GL_A10-2",
      "devices-kubevirt-io-vhost-net",
    ]);
  });
});
