import { expect } from "chai";
import type { Container, Pod } from "../../shared/kube/pod.ts";
import { dedicatedCpuPod, launcherPod } from "../../test/helpers/launcher-pod.ts";
import { omit } from "../../test/helpers/review.ts";
import { loadFragment } from "../../shared/imds-sidecar/fragment.ts";
import { inject } from "./mutation.ts";
import { isGuaranteed } from "./resources.ts";
import type { ImdsInjectorSettings } from "./settings.ts";
import { buildSidecar } from "./sidecar.ts";

const fragment = loadFragment();
const settings: ImdsInjectorSettings = {
  image: "registry.example.com/functions:1.2.3",
  mode: "native",
  audience: "vault.example.com",
  expirationSeconds: 900,
};
const sidecar = buildSidecar(fragment, settings);

/** The pod with `container` appended to `list` and the sidecar's volumes added, built by hand. */
function expected(pod: Pod, list: "initContainers" | "containers", container: Container): Pod {
  const want = structuredClone(pod);
  const spec = (want.spec ??= {});
  (spec[list] ??= []).push(container);
  (spec.volumes ??= []).push(...structuredClone(sidecar.volumes));
  return want;
}

describe("inject", () => {
  it("should append the fragment's container as a native sidecar, with the settings applied", () => {
    const pod = launcherPod();
    const out = inject(pod, sidecar);
    expect(out).to.deep.equal(
      expected(pod, "initContainers", { ...fragment.container, image: settings.image }),
    );
    expect(out.spec?.initContainers?.[1]).to.include({
      name: "imds-server",
      restartPolicy: "Always",
      image: "registry.example.com/functions:1.2.3",
    });
    expect(out.spec?.volumes?.at(-1)).to.deep.equal({
      name: "imds-token",
      projected: {
        sources: [
          {
            serviceAccountToken: {
              path: "token",
              audience: "vault.example.com",
              expirationSeconds: 900,
            },
          },
        ],
      },
    });
  });

  it("should mount the token in the sidecar only", () => {
    const out = inject(launcherPod({ extraContainers: [{ name: "hook-sidecar-0" }] }), sidecar);
    const mounting = [...(out.spec?.initContainers ?? []), ...(out.spec?.containers ?? [])]
      .filter((c) => c.volumeMounts?.some((m) => m.name === "imds-token"))
      .map((c) => c.name);
    expect(mounting).to.deep.equal(["imds-server"]);
  });

  it("should create initContainers when the pod has none", () => {
    const pod = launcherPod({ consoleLog: false });
    expect(inject(pod, sidecar).spec?.initContainers).to.deep.equal([sidecar.container]);
  });

  it("should add a plain container without restartPolicy in regular mode", () => {
    const pod = launcherPod();
    const regular = buildSidecar(fragment, { ...settings, mode: "regular" });
    const container = omit({ ...fragment.container, image: settings.image }, "restartPolicy");
    expect(inject(pod, regular)).to.deep.equal(expected(pod, "containers", container));
  });

  it("should keep a Guaranteed pod Guaranteed: the sidecar's requests equal its limits", () => {
    const pod = dedicatedCpuPod();
    const out = inject(pod, sidecar);
    expect(out.spec?.initContainers?.[1]?.resources).to.deep.equal({
      requests: { cpu: "10m", memory: "128Mi" },
      limits: { cpu: "10m", memory: "128Mi" },
    });
    expect(isGuaranteed(out)).to.equal(true);
  });

  it("should keep a Burstable pod's sidecar as the fragment has it", () => {
    const out = inject(launcherPod(), sidecar);
    expect(out.spec?.initContainers?.[1]?.resources).to.deep.equal(fragment.container.resources);
  });

  it("should grow pod-level resources by the sidecar's", () => {
    const pod = launcherPod();
    pod.spec = { ...pod.spec, resources: { requests: { cpu: "1", memory: "2Gi" } } };
    expect(inject(pod, sidecar).spec?.resources).to.deep.equal({
      requests: { cpu: "1010m", memory: "2112Mi" },
    });
  });

  it("should refuse a pod that already has a volume of the sidecar's name", () => {
    const pod = launcherPod();
    pod.spec?.volumes?.push({ name: "imds-token", emptyDir: {} });
    expect(() => inject(pod, sidecar))
      .to.throw(
        'the pod already has a volume named "imds-token", which the metadata sidecar mounts',
      )
      .with.property("field", "spec.volumes");
  });
});
