// End-to-end test of the imds-server sidecar in real network namespaces, run by
// scripts/test-netns.ts (as root, or rootless inside a user namespace of its own). One namespace stands for the launcher pod and holds the k6t-eth0 bridge; two guest
// namespaces hang off the bridge, one wired like KubeVirt's masquerade binding (10.0.2.2/24,
// gateway 10.0.2.1 on the bridge), one like bridge binding (an address the pod has no route to,
// and an on-link route to the metadata address). The pod namespace filters reverse paths
// strictly, the strictest setting a node can impose on pods.
import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectLogLines, waitForEvent } from "./helpers/log-lines.ts";
import type { LoggingProcess } from "./helpers/log-lines.ts";

const MAIN = fileURLToPath(new URL("../functions/imds-server/main.ts", import.meta.url));
const SUFFIX = `${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
const POD = `imds-pod-${SUFFIX}`;
const MASQ = `imds-masq-${SUFFIX}`;
const BRIDGED = `imds-bridged-${SUFFIX}`;
const IDENTITY = { namespace: "vms", serviceAccountName: "builder", vmName: "web-1" };
const FULL_SETUP = [
  "created veth imds0/imds0-br",
  "disabled IPv6 address generation on imds0",
  "disabled IPv6 address generation on imds0-br",
  "turned ARP off on imds0",
  "attached imds0-br to k6t-eth0",
  "brought imds0-br up",
  "brought imds0 up",
  "added 169.254.169.254/32 to imds0",
  "routed table 169254 to k6t-eth0",
  "added rule from 169.254.169.254 lookup 169254",
];

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} ${args.join(" ")}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

const ip = (...args: string[]): Promise<string> => run("ip", args);

function jwt(exp: number): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part({ aud: ["imds"], exp })}.c2ln`;
}

type Sidecar = LoggingProcess;

function startSidecar(ns: string, env: Record<string, string>, prefix: string[] = []): Sidecar {
  const child = spawn("ip", ["netns", "exec", ns, ...prefix, process.execPath, MAIN], {
    env: { PATH: process.env["PATH"] ?? "", ...env },
  });
  const sidecar = collectLogLines(child);
  // What `ip` or Node says on stderr goes among the lines, so a failing wait shows it.
  child.stderr
    .setEncoding("utf8")
    .on("data", (chunk: string) => sidecar.lines.push({ stderr: chunk }));
  return sidecar;
}

const logged = (sidecar: Sidecar, event: string): Promise<Record<string, unknown>> =>
  waitForEvent(sidecar, event, 10_000);

/** What a guest gets back, fetched by the project's Node from inside the guest's namespace. */
async function fromGuest(
  ns: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const script = `
    const [url, headers] = process.argv.slice(1);
    const res = await fetch(url, { headers: JSON.parse(headers), signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    const json = (res.headers.get("content-type") ?? "").startsWith("application/json");
    process.stdout.write(JSON.stringify({ status: res.status, body: json ? JSON.parse(text) : text }));`;
  const args = ["netns", "exec", ns, process.execPath, "--input-type=module", "-e", script];
  const out = await ip(...args, `http://169.254.169.254${path}`, JSON.stringify(headers));
  return JSON.parse(out) as { status: number; body: unknown };
}

async function addNamespace(name: string, created: string[]): Promise<void> {
  try {
    await ip("netns", "add", name);
  } catch (error) {
    throw new Error(
      `this test needs real network namespaces and this machine forbids them ("ip netns add" ` +
        `failed: ${(error as Error).message}); run it through scripts/test-netns.ts, which gives it a user namespace where it is root`,
      { cause: error },
    );
  }
  created.push(name);
  await ip("-n", name, "link", "set", "lo", "up");
}

/** A guest namespace whose eth0 is the far end of a tap-like veth on the pod's bridge. */
async function attachGuest(
  guest: string,
  tap: string,
  address: string,
  route: string[],
): Promise<void> {
  await ip("-n", POD, "link", "add", tap, "type", "veth", "peer", "name", "eth0", "netns", guest);
  await ip("-n", POD, "link", "set", tap, "master", "k6t-eth0", "up");
  await ip("-n", guest, "address", "add", address, "dev", "eth0");
  await ip("-n", guest, "link", "set", "eth0", "up");
  await ip("-n", guest, "route", "add", ...route, "dev", "eth0");
}

/**
 * The namespace's links and IPv4 addresses, routes and rules, less the bridge's running timers.
 * IPv6 is left out because the test's own links finish duplicate address detection meanwhile.
 */
async function snapshot(ns: string): Promise<unknown[]> {
  const views = [
    ["-d", "link"],
    ["-4", "address"],
    ["-4", "route", "show", "table", "all"],
  ];
  views.push(["-4", "rule"]);
  const outputs = await Promise.all(views.map((view) => ip("-n", ns, "-j", ...view)));
  return outputs.map((out) =>
    JSON.parse(out, (key, value: unknown) => (key.endsWith("_timer") ? undefined : value)),
  );
}

async function stop(sidecar: Sidecar | undefined): Promise<void> {
  if (!sidecar || sidecar.child.exitCode !== null) return;
  sidecar.child.kill("SIGKILL");
  await sidecar.exited;
}

describe("imds-server in network namespaces", function () {
  this.timeout(60_000);
  const created: string[] = [];
  let tokenDir: string;
  let sidecar: Sidecar | undefined;
  let env: Record<string, string>;

  /** The kubelet's projected-volume layout: token -> ..data/token, ..data -> a dated folder. */
  function writeToken(version: string, token: string): void {
    mkdirSync(join(tokenDir, version));
    writeFileSync(join(tokenDir, version, "token"), token);
    symlinkSync(version, join(tokenDir, "..data_tmp"));
    renameSync(join(tokenDir, "..data_tmp"), join(tokenDir, "..data"));
  }

  before(async () => {
    tokenDir = mkdtempSync(join(tmpdir(), "imds-e2e-"));
    writeToken("..v1", jwt(1_900_000_000));
    symlinkSync("..data/token", join(tokenDir, "token"));
    env = {
      IMDS_POLL_INTERVAL_MS: "100",
      IMDS_POLL_TIMEOUT_MS: "20000",
      IMDS_TOKEN_PATH: join(tokenDir, "token"),
      IMDS_NAMESPACE: IDENTITY.namespace,
      IMDS_SERVICE_ACCOUNT: IDENTITY.serviceAccountName,
      IMDS_VM_NAME: IDENTITY.vmName,
    };
    for (const ns of [POD, MASQ, BRIDGED]) await addNamespace(ns, created);
    await ip("netns", "exec", POD, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter");
  });

  after(async () => {
    await stop(sidecar);
    for (const ns of created) await ip("netns", "del", ns).catch(() => undefined);
    rmSync(tokenDir, { recursive: true, force: true });
  });

  it("should wait for the bridge and then set up and serve when the bridge comes up later", async () => {
    sidecar = startSidecar(POD, env);
    await logged(sidecar, "bridge_wait");
    await ip("-n", POD, "link", "add", "k6t-eth0", "type", "bridge");
    await ip("-n", POD, "address", "add", "10.0.2.1/24", "dev", "k6t-eth0");
    await ip("-n", POD, "link", "set", "k6t-eth0", "up");
    await attachGuest(MASQ, "tap-masq", "10.0.2.2/24", ["default", "via", "10.0.2.1"]);
    await attachGuest(BRIDGED, "tap-bridged", "198.51.100.10/24", ["169.254.169.254/32"]);
    expect((await logged(sidecar, "network_ready"))["changes"]).to.deep.equal(FULL_SETUP);
    expect(await logged(sidecar, "serving")).to.include({ address: "169.254.169.254", port: 80 });
  });

  it("should answer /healthz and /v1/identity when the masquerade guest sends Metadata: true", async () => {
    expect(await fromGuest(MASQ, "/healthz")).to.deep.equal({ status: 200, body: "OK" });
    expect(await fromGuest(MASQ, "/v1/identity", { Metadata: "true" })).to.deep.equal({
      status: 200,
      body: IDENTITY,
    });
  });

  it("should answer 400 when the guest leaves out the Metadata header", async () => {
    expect(await fromGuest(MASQ, "/v1/token")).to.deep.equal({
      status: 400,
      body: { error: "metadata_header_required", message: "send the header Metadata: true" },
    });
  });

  it("should reach a bridge-binding guest when the pod has no route to the guest", async () => {
    expect(await fromGuest(BRIDGED, "/v1/token", { Metadata: "true" })).to.deep.equal({
      status: 200,
      body: { token: jwt(1_900_000_000), expirationTimestamp: "2030-03-17T17:46:40Z" },
    });
  });

  it("should hand out the new token when the kubelet rotates the projected file", async () => {
    writeToken("..v2", jwt(1_900_003_600));
    expect(await fromGuest(MASQ, "/v1/token", { Metadata: "true" })).to.deep.equal({
      status: 200,
      body: { token: jwt(1_900_003_600), expirationTimestamp: "2030-03-17T18:46:40Z" },
    });
  });

  it("should leave the guest's gateway on the bridge's MAC when imds0 shares the bridge", async () => {
    const [bridge] = JSON.parse(await ip("-n", POD, "-j", "link", "show", "k6t-eth0")) as {
      address: string;
    }[];
    const neighbours = JSON.parse(await ip("-n", MASQ, "-j", "neigh", "show", "10.0.2.1")) as {
      lladdr: string;
    }[];
    expect(neighbours.map((n) => n.lladdr)).to.deep.equal([bridge?.address]);
  });

  it("should change nothing and serve again when the sidecar restarts", async () => {
    const previous = sidecar;
    previous?.child.kill("SIGTERM");
    expect(await previous?.exited).to.equal(0);
    const before = await snapshot(POD);
    sidecar = startSidecar(POD, env);
    expect((await logged(sidecar, "network_ready"))["changes"]).to.deep.equal([]);
    await logged(sidecar, "serving");
    expect(await snapshot(POD)).to.deep.equal(before);
    expect(await fromGuest(BRIDGED, "/healthz")).to.deep.equal({ status: 200, body: "OK" });
  });
});

describe("imds-server exit codes in network namespaces", function () {
  this.timeout(30_000);
  const created: string[] = [];
  let ns: string;
  let sidecar: Sidecar | undefined;
  const env = {
    IMDS_POLL_INTERVAL_MS: "50",
    IMDS_POLL_TIMEOUT_MS: "300",
    IMDS_NAMESPACE: "vms",
    IMDS_SERVICE_ACCOUNT: "builder",
    IMDS_VM_NAME: "web-1",
  };

  beforeEach(async () => {
    ns = `imds-exit-${SUFFIX}-${created.length}`;
    await addNamespace(ns, created);
  });
  afterEach(async () => {
    await stop(sidecar);
    for (const name of created.splice(0)) await ip("netns", "del", name).catch(() => undefined);
  });

  async function exitOf(run: Sidecar): Promise<[number | null, unknown]> {
    const code = await run.exited;
    return [code, run.lines.at(-1)?.["reason"]];
  }

  it("should exit 3 when no k6t- bridge comes up within the bound", async () => {
    sidecar = startSidecar(ns, env);
    expect(await exitOf(sidecar)).to.deep.equal([3, "no_bridge"]);
  });

  it("should exit 4 and touch nothing when another interface holds 169.254.169.254", async () => {
    await ip("-n", ns, "link", "add", "k6t-eth0", "type", "bridge");
    await ip("-n", ns, "link", "set", "k6t-eth0", "up");
    await ip("-n", ns, "address", "add", "169.254.169.254/32", "dev", "lo");
    sidecar = startSidecar(ns, env);
    expect(await exitOf(sidecar)).to.deep.equal([4, "address_in_use"]);
    const links = JSON.parse(await ip("-n", ns, "-j", "link", "show")) as { ifname: string }[];
    expect(links.map((l) => l.ifname)).to.deep.equal(["lo", "k6t-eth0"]);
  });

  it("should exit 5 before waiting when NET_ADMIN is not among its capabilities", async () => {
    sidecar = startSidecar(ns, env, ["setpriv", "--bounding-set=-net_admin"]);
    expect(await exitOf(sidecar)).to.deep.equal([5, "missing_capability"]);
    expect(sidecar.lines.some((l) => l["event"] === "bridge_wait")).to.equal(false);
  });
});
