// An image from another registry, set once in the chart, reaches the metadata sidecar that
// imds-injector adds to launcher pods: the function runs with the environment the chart renders
// for it, from the bundle the image carries (no rebuild), and injects that image.
import { expect } from "chai";
import { knativeFunctions } from "../scripts/cluster/functions.ts";
import { HELM_BUILD_TIMEOUT_MS, renderChart } from "./helpers/chart.ts";
import { FakeKubeApi } from "./helpers/fake-kube-api.ts";
import type { FakeObject } from "./helpers/fake-kube-api.ts";
import type { RunningFunction } from "./helpers/function-process.ts";
import { clusterClientLoaded, postReview, startFunction } from "./helpers/function-process.ts";
import { launcherPod, podReview, vmiObject } from "./helpers/launcher-pod.ts";
import { applyResponse } from "./helpers/review.ts";

const IMAGE = "registry.example/mirror/functions@sha256:" + "b".repeat(64);

describe("the chart's image in the metadata sidecar", function () {
  this.timeout(HELM_BUILD_TIMEOUT_MS);
  const api = new FakeKubeApi();
  let fn: RunningFunction | undefined;

  before(async () => {
    const [repository, digest] = IMAGE.split("@");
    const docs = renderChart("--set", `image.repository=${repository},image.digest=${digest}`);
    const injector = knativeFunctions(docs).find((f) => f.name === "imds-injector");
    await api.start();
    api.put(vmiObject() as FakeObject);
    fn = await startFunction("imds-injector", {
      ...injector?.env,
      KUBECONFIG: api.writeKubeconfig(),
    });
    // A loaded machine can take longer than the lookup deadline to load the client once.
    await clusterClientLoaded(fn);
  });

  after(async () => {
    await fn?.stop();
    await api.stop();
  });

  it("should inject the sidecar with the image the chart was given", async () => {
    const pod = launcherPod({ annotations: { "imds.kubevirt.io/enabled": "true" } });
    const body = await postReview(fn?.url ?? "", podReview(pod, { uid: "chart-image" }));
    const sidecar = applyResponse(pod, body.response).spec?.initContainers?.at(-1);
    expect([sidecar?.name, sidecar?.image]).to.deep.equal(["imds-server", IMAGE]);
  });
});
