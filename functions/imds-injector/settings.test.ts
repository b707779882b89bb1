import { expect } from "chai";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import { imdsInjectorSettingsFromEnv } from "./settings.ts";

describe("imds-injector settings", () => {
  const fragment = loadFragment();

  it("should take every default from the fragment", () => {
    expect(imdsInjectorSettingsFromEnv(fragment, {})).to.deep.equal({
      image: "ghcr.io/vm-feature-functions/functions:latest",
      mode: "native",
      audience: "vm-identity.vm-feature-functions.io",
      expirationSeconds: 3600,
    });
  });

  it("should take the image, mode, audience and expiry from the environment", () => {
    const env = {
      IMDS_INJECTOR_IMAGE: "registry.example.com/functions:1.2.3",
      IMDS_INJECTOR_SIDECAR_MODE: "Regular",
      IMDS_INJECTOR_TOKEN_AUDIENCE: "vault.example.com",
      IMDS_INJECTOR_TOKEN_EXPIRATION_SECONDS: "600",
    };
    expect(imdsInjectorSettingsFromEnv(fragment, env)).to.deep.equal({
      image: "registry.example.com/functions:1.2.3",
      mode: "regular",
      audience: "vault.example.com",
      expirationSeconds: 600,
    });
  });

  const wrong: { env: Record<string, string>; message: RegExp }[] = [
    {
      env: { IMDS_INJECTOR_SIDECAR_MODE: "sidecar" },
      message: /IMDS_INJECTOR_SIDECAR_MODE="sidecar" is not a mode; use native/,
    },
    {
      env: { IMDS_INJECTOR_TOKEN_AUDIENCE: "https://kubernetes.default.svc.cluster.local" },
      message:
        /audience "https:\/\/kubernetes.default.svc.cluster.local" is the Kubernetes API server's/,
    },
    {
      env: { IMDS_INJECTOR_TOKEN_AUDIENCE: "kubernetes.default.svc" },
      message: /is the Kubernetes API server's/,
    },
    {
      env: { IMDS_INJECTOR_TOKEN_EXPIRATION_SECONDS: "599" },
      message: /"599" is not a whole number of seconds of at least 600/,
    },
    {
      env: { IMDS_INJECTOR_TOKEN_EXPIRATION_SECONDS: "1h" },
      message: /"1h" is not a whole number of seconds/,
    },
  ];
  for (const tc of wrong) {
    it(`should refuse ${JSON.stringify(tc.env)} at start-up`, () => {
      expect(() => imdsInjectorSettingsFromEnv(fragment, tc.env)).to.throw(tc.message);
    });
  }

  it("should refuse a fragment whose token has no audience (the API server's own) unless one is set", () => {
    const bare = structuredClone(fragment);
    const projected = bare.volumes[0]?.["projected"] as {
      sources: { serviceAccountToken: Record<string, unknown> }[];
    };
    delete projected.sources[0]?.serviceAccountToken["audience"];
    expect(() => imdsInjectorSettingsFromEnv(bare, {})).to.throw(
      /the token audience is empty, which means the API server's own/,
    );
    expect(
      imdsInjectorSettingsFromEnv(bare, { IMDS_INJECTOR_TOKEN_AUDIENCE: "a.example" }).audience,
    ).to.equal("a.example");
  });
});
