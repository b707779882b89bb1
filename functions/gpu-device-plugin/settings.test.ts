import { expect } from "chai";
import { gpuSettingsFromEnv, pluginAllowed } from "./settings.ts";

describe("gpuSettingsFromEnv", () => {
  it("should default to gpus mode, any plugin and 16 GPUs", () => {
    expect(gpuSettingsFromEnv({})).to.deep.equal({ mode: "gpus", maxDevices: 16 });
  });

  it("should read the mode, the allow-list and the maximum", () => {
    const env = {
      GPU_MODE: "Resource-Limit",
      GPU_ALLOWED_PLUGINS: "nvidia.com/*, amd.com/gpu",
      GPU_MAX_DEVICES: "4",
    };
    expect(gpuSettingsFromEnv(env)).to.deep.equal({
      mode: "resource-limit",
      allowed: ["nvidia.com/*", "amd.com/gpu"],
      maxDevices: 4,
    });
  });

  const wrong: [Record<string, string>, string][] = [
    [{ GPU_MODE: "limits" }, 'GPU_MODE="limits" is not a mode; use one of gpus, resource-limit'],
    [
      { GPU_ALLOWED_PLUGINS: "nvidia.com/*,*" },
      'GPU_ALLOWED_PLUGINS="nvidia.com/*,*": "*" is neither a resource name nor vendor.com/* ("*" has no vendor domain)',
    ],
    [
      { GPU_ALLOWED_PLUGINS: "NVIDIA.com/*" },
      'GPU_ALLOWED_PLUGINS="NVIDIA.com/*": "NVIDIA.com/*" is neither a resource name nor vendor.com/* ("NVIDIA.com" in "NVIDIA.com/x" is not a lower-case DNS domain)',
    ],
    [{ GPU_MAX_DEVICES: "0" }, 'GPU_MAX_DEVICES="0" is not a positive whole number'],
  ];
  for (const [env, message] of wrong) {
    it(`should stop at start naming the variable: ${Object.keys(env)[0]}=${Object.values(env)[0]}`, () => {
      expect(() => gpuSettingsFromEnv(env)).to.throw(message);
    });
  }
});

describe("pluginAllowed", () => {
  it("should allow exact names and whole vendor domains only", () => {
    const allowed = ["nvidia.com/*", "amd.com/gpu"];
    expect(
      [
        "nvidia.com/GA102GL_A10",
        "amd.com/gpu",
        "amd.com/gpu2",
        "evil-nvidia.com/x",
        "nvidia.com.evil/x",
      ].map((n) => pluginAllowed(allowed, n)),
    ).to.deep.equal([true, true, false, false, false]);
    expect(pluginAllowed(undefined, "anything.io/x")).to.equal(true);
  });
});
