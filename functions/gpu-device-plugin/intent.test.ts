import { expect } from "chai";
import { FeatureError } from "../../shared/basics/errors.ts";
import { thrown } from "../../test/helpers/errors.ts";
import { virtualMachine } from "../../test/helpers/review.ts";
import type { GpuRequest } from "./intent.ts";
import { readIntent, TRIGGER } from "./intent.ts";

const FIELD = 'metadata.annotations["vm-feature-manager.io/gpu-device-plugin"]';
const FORM =
  "a resource name (vendor.com/MODEL: a lower-case DNS domain, a slash, then up to 63 letters, digits, '-', '_' or '.' that start and end with a letter or digit) with an optional count, e.g. nvidia.com/GA102GL_A10=2, or a comma-separated list of them";

const read = (value: string | undefined, max = 16): ReturnType<typeof readIntent> =>
  readIntent(virtualMachine(value === undefined ? {} : { annotations: { [TRIGGER]: value } }), max);

describe("gpu-device-plugin readIntent", () => {
  it("should find nothing to do without the annotation", () => {
    expect(read(undefined)).to.deep.equal({ ask: "absent" });
  });

  const good: { value: string; requests: GpuRequest[] }[] = [
    {
      value: "nvidia.com/GA102GL_A10",
      requests: [{ resourceName: "nvidia.com/GA102GL_A10", count: 1 }],
    },
    {
      value: "nvidia.com/GA102GL_A10=2",
      requests: [{ resourceName: "nvidia.com/GA102GL_A10", count: 2 }],
    },
    {
      value: " nvidia.com/GA102GL_A10 = 2 , amd.com/gpu",
      requests: [
        { resourceName: "nvidia.com/GA102GL_A10", count: 2 },
        { resourceName: "amd.com/gpu", count: 1 },
      ],
    },
  ];
  for (const tc of good) {
    it(`should read ${JSON.stringify(tc.value)}`, () => {
      expect(read(tc.value)).to.deep.equal({ ask: "attach", requests: tc.requests });
    });
  }

  const bad: { name: string; value: string; max?: number; message: string; fix: string }[] = [
    { name: "an empty value", value: "", message: "the annotation is empty", fix: `write ${FORM}` },
    {
      name: "an empty entry",
      value: "amd.com/gpu,",
      message: "the annotation entry 2 is empty",
      fix: "remove the extra comma, or name a resource there",
    },
    {
      name: "a name without a domain",
      value: "GA102GL_A10",
      message: 'the annotation "GA102GL_A10" has no vendor domain',
      fix: `write ${FORM}`,
    },
    {
      name: "an upper-case domain",
      value: "NVIDIA.com/A10=1",
      message: 'the annotation "NVIDIA.com" in "NVIDIA.com/A10" is not a lower-case DNS domain',
      fix: `write ${FORM}`,
    },
    {
      name: "a zero count",
      value: "nvidia.com/A10=0",
      message:
        'the annotation gives nvidia.com/A10 the count "0", which is not a positive whole number',
      fix: 'write nvidia.com/A10=<count> with a count of 1 or more, or leave "=<count>" out for one',
    },
    {
      name: "a count that is not a number",
      value: "amd.com/gpu,nvidia.com/A10=two",
      message:
        'the annotation entry 2 gives nvidia.com/A10 the count "two", which is not a positive whole number',
      fix: 'write nvidia.com/A10=<count> with a count of 1 or more, or leave "=<count>" out for one',
    },
    {
      name: "a negative or fractional count",
      value: "nvidia.com/A10=1.5",
      message:
        'the annotation gives nvidia.com/A10 the count "1.5", which is not a positive whole number',
      fix: 'write nvidia.com/A10=<count> with a count of 1 or more, or leave "=<count>" out for one',
    },
    {
      name: "the same resource twice",
      value: "nvidia.com/A10,nvidia.com/A10=2",
      message: "the annotation lists nvidia.com/A10 twice",
      fix: "list it once, with a count: nvidia.com/A10=2",
    },
    {
      name: "more GPUs than GPU_MAX_DEVICES",
      value: "nvidia.com/A10=1000000000",
      message: "the annotation asks for 1000000000 GPUs, more than the 16 allowed per VM",
      fix: "ask for fewer, or raise GPU_MAX_DEVICES in the function's settings",
    },
  ];
  for (const tc of bad) {
    it(`should refuse ${tc.name}, naming the field and the fix`, () => {
      const { message, field, fix } = thrown(FeatureError, () => read(tc.value, tc.max));
      expect({ message, field, fix }).to.deep.equal({
        message: tc.message,
        field: FIELD,
        fix: tc.fix,
      });
    });
  }
});
