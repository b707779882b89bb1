import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkGo, requiredVersion } from "../../scripts/cluster/binaries.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function cluster(stateDir: string, ...args: string[]): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, ["scripts/cluster.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, CLUSTER_STATE_DIR: stateDir },
    encoding: "utf8",
  });
  return { status: result.status, out: result.stdout + result.stderr };
}

describe("npm run cluster", () => {
  it("should refuse a second up while a cluster runs, naming its process", () => {
    const dir = mkdtempSync(join(tmpdir(), "cluster-state-"));
    writeFileSync(
      join(dir, "state.json"),
      JSON.stringify({
        daemon: process.pid,
        pids: [],
        server: "https://127.0.0.1:6443",
        kubeconfig: join(dir, "kubeconfig"),
        kubectl: "kubectl",
        frontDoor: "https://127.1.2.3:443",
        functions: ["nested-virt"],
        kubernetesVersion: "v1.36.3",
        etcdVersion: "v3.6.8",
      }),
    );
    const { status, out } = cluster(dir, "up");
    expect(status).to.equal(1);
    expect(out.split("\n")[0]).to.equal(
      `cluster: a cluster already runs (pid ${process.pid}); \`npm run cluster -- down\` stops it`,
    );
  });

  it("should name a stale state folder and the command that removes it", () => {
    const dir = mkdtempSync(join(tmpdir(), "cluster-state-"));
    const { status, out } = cluster(dir, "up");
    expect(status).to.equal(1);
    expect(out).to.equal(
      `cluster: stale state folder ${dir} from a cluster that no longer runs: \`npm run cluster -- down\` removes it\n`,
    );
  });

  it("should say that no cluster runs, and down should remove a stale folder", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cluster-state-")), "run");
    expect(cluster(dir, "status").out).to.equal("no cluster runs\n");
    mkdirSync(dir);
    expect(cluster(dir, "status").out).to.equal(
      `no cluster runs; stale state folder ${dir}: \`npm run cluster -- down\`\n`,
    );
    expect(cluster(dir, "down").out).to.equal("no cluster ran; state removed\n");
    expect(cluster(dir, "status").out).to.equal("no cluster runs\n");
  });

  it("should answer an unknown command with its usage", () => {
    const { status, out } = cluster(tmpdir(), "start");
    expect(status).to.equal(1);
    expect(out).to.equal(
      'cluster: usage: npm run cluster -- up | status | down | build (got "start")\n',
    );
  });
});

describe("the control plane's Go build", () => {
  it("should say in one line that Go is missing, and how to get it", () => {
    expect(() => checkGo(undefined, [1, 26])).to.throw(
      "npm run cluster builds its control plane with Go 1.26 or newer, and go is not on PATH: install it from https://go.dev/dl (or set GOTOOLCHAIN=go1.26.0)",
    );
  });

  it("should say in one line that Go is too old, quoting go version", () => {
    expect(() => checkGo("go version go1.24.13 linux/amd64\n", [1, 26])).to.throw(
      'npm run cluster needs Go 1.26 or newer to build its control plane, found "go version go1.24.13 linux/amd64": install it from https://go.dev/dl (or set GOTOOLCHAIN=go1.26.0)',
    );
  });

  it("should accept the same or a newer Go", () => {
    expect(() => checkGo("go version go1.26.8 linux/amd64", [1, 26])).not.to.throw();
    expect(() => checkGo("go version go1.27rc1 linux/amd64", [1, 26])).not.to.throw();
    expect(() => checkGo("go version go2.0 linux/amd64", [1, 26])).not.to.throw();
  });

  it("should read the pinned versions from the wrappers' go.mod files", () => {
    const mod =
      "module x\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes v1.36.3\n\nrequire (\n\tgo.etcd.io/etcd/server/v3 v3.6.8\n)\n";
    expect(requiredVersion(mod, "k8s.io/kubernetes")).to.equal("v1.36.3");
    expect(requiredVersion(mod, "go.etcd.io/etcd/server/v3")).to.equal("v3.6.8");
    expect(() => requiredVersion(mod, "k8s.io/api")).to.throw(
      "tools/control-plane: no requirement of k8s.io/api in go.mod",
    );
  });
});
