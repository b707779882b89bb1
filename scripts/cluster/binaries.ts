// Builds kube-apiserver, kubectl and etcd from the Go wrapper modules in tools/control-plane, once
// per set of pins: the output folder is named by a hash of the wrappers' go.mod and go.sum.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TOOLS = join(ROOT, "tools", "control-plane");
const MODULES = ["kube", "etcd"] as const;

export interface Binaries {
  kubeApiserver: string;
  kubectl: string;
  etcd: string;
  /** The Kubernetes version the binaries report, e.g. v1.36.3. */
  kubernetesVersion: string;
  etcdVersion: string;
}

/** The version a wrapper's go.mod requires of `module` (`require module vX` or in a block). */
export function requiredVersion(goMod: string, module: string): string {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const found = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod);
  if (!found?.[1]) throw new Error(`tools/control-plane: no requirement of ${module} in go.mod`);
  return found[1];
}

/** The Go release a go.mod's `go` line asks for, as [major, minor]. */
function goDirective(goMod: string): [number, number] {
  const found = /^go (\d+)\.(\d+)/m.exec(goMod);
  return [Number(found?.[1] ?? 0), Number(found?.[2] ?? 0)];
}

/**
 * Throws one line when `go version` is missing or older than `needed`. `versionOutput` is what
 * `go version` printed, undefined when there is no go on PATH.
 */
export function checkGo(versionOutput: string | undefined, needed: [number, number]): void {
  const want = `Go ${needed.join(".")} or newer`;
  const fix = "install it from https://go.dev/dl (or set GOTOOLCHAIN=go" + needed.join(".") + ".0)";
  if (versionOutput === undefined) {
    throw new Error(
      `npm run cluster builds its control plane with ${want}, and go is not on PATH: ${fix}`,
    );
  }
  const found = /go(\d+)\.(\d+)/.exec(versionOutput);
  const have: [number, number] = [Number(found?.[1] ?? 0), Number(found?.[2] ?? 0)];
  if (have[0] < needed[0] || (have[0] === needed[0] && have[1] < needed[1])) {
    throw new Error(
      `npm run cluster needs ${want} to build its control plane, found "${versionOutput.trim()}": ${fix}`,
    );
  }
}

function goVersion(): string | undefined {
  const result = spawnSync("go", ["version"], { encoding: "utf8" });
  return result.error || result.status !== 0 ? undefined : result.stdout;
}

/** The folder for these pins: a hash of every wrapper's go.mod and go.sum. */
export function binariesDir(): string {
  const hash = createHash("sha256");
  for (const module of MODULES) {
    for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(join(TOOLS, module, file)));
  }
  return join(ROOT, ".cluster", "bin", hash.digest("hex").slice(0, 16));
}

function stamp(version: string): string {
  const [major = "", minor = ""] = version.replace(/^v/, "").split(".");
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    .flatMap((pkg) => [
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ])
    .join(" ");
}

function goBuild(module: string, pkg: string, output: string, ldflags: string): void {
  if (existsSync(output)) return;
  process.stderr.write(`cluster: building ${pkg} (once for these pins) ...\n`);
  const partial = `${output}.partial`;
  const result = spawnSync(
    "go",
    ["build", "-trimpath", "-ldflags", `-s -w ${ldflags}`, "-o", partial, pkg],
    { cwd: join(TOOLS, module), env: { ...process.env, CGO_ENABLED: "0" }, stdio: "inherit" },
  );
  if (result.status !== 0) {
    throw new Error(`go build ${pkg} failed (exit ${result.status}); its output is above`);
  }
  renameSync(partial, output);
}

/** Builds what is missing for the current pins and returns the binaries' paths. */
export function ensureBinaries(): Binaries {
  const kubeMod = readFileSync(join(TOOLS, "kube", "go.mod"), "utf8");
  const etcdMod = readFileSync(join(TOOLS, "etcd", "go.mod"), "utf8");
  const dir = binariesDir();
  const binaries: Binaries = {
    kubeApiserver: join(dir, "kube-apiserver"),
    kubectl: join(dir, "kubectl"),
    etcd: join(dir, "etcd"),
    kubernetesVersion: requiredVersion(kubeMod, "k8s.io/kubernetes"),
    etcdVersion: requiredVersion(etcdMod, "go.etcd.io/etcd/server/v3"),
  };
  if ([binaries.kubeApiserver, binaries.kubectl, binaries.etcd].every((b) => existsSync(b))) {
    return binaries;
  }
  const [kubeGo, etcdGo] = [goDirective(kubeMod), goDirective(etcdMod)];
  checkGo(goVersion(), kubeGo[1] >= etcdGo[1] ? kubeGo : etcdGo);
  mkdirSync(dir, { recursive: true });
  const ldflags = stamp(binaries.kubernetesVersion);
  goBuild("kube", "k8s.io/kubernetes/cmd/kube-apiserver", binaries.kubeApiserver, ldflags);
  goBuild("kube", "k8s.io/kubernetes/cmd/kubectl", binaries.kubectl, ldflags);
  goBuild("etcd", "go.etcd.io/etcd/server/v3", binaries.etcd, "");
  return binaries;
}
