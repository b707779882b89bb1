// End-to-end test of the TLS front door: the nginx.conf shipped in knative/front-door.yaml, run by a
// real nginx, in front of the real nested-virt process, called the way the API server calls a
// webhook (SNI and a CA bundle, POST to the Service's path with ?timeout=). Only what must differ
// on a test machine is substituted, each substitution exactly once, so a change in the shipped
// file's shape fails here first. A local DNS responder stands in for kube-dns and a recording
// pass-through stands in for Knative's route, so the test sees what nginx asks and sends.
import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import type { AdmissionReviewResponse } from "../shared/admission/types.ts";
import { DnsResponder } from "./helpers/dns-responder.ts";
import type { RunningFunction } from "./helpers/function-process.ts";
import { issueServerCertificate } from "./helpers/tls.ts";
import { startFunction } from "./helpers/function-process.ts";
import { admissionReview, applyResponse, virtualMachine } from "./helpers/review.ts";

const FRONT_DOOR = fileURLToPath(new URL("../knative/front-door.yaml", import.meta.url));
const SERVICE_NAME = "vm-feature-webhooks.vm-feature-functions.svc";
const ROUTE_SUFFIX = ".vm-feature-functions.svc.cluster.local";
const TRIGGER = "vm-feature-manager.io/nested-virt";
const MISSING = "install nginx-light (apt-get install nginx-light); .ci/run does";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface CallOptions {
  path: string;
  method?: string;
  body?: string;
  headers?: Record<string, string | number>;
  servername?: string;
  ca?: string;
}

interface Seen {
  method: string;
  url: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
}

/** Finds a command on PATH or in the sbin directories a root shell would search. */
function findCommand(name: string): string {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  for (const dir of dirs.filter((d) => d !== "")) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} is not installed: ${MISSING}`);
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} ${args.join(" ")} failed: ${stderr || error.message}`));
      else resolve(stdout + stderr);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The nginx.conf of the ConfigMap `front-door`, as shipped. */
function shippedNginxConf(): string {
  const docs = parseAllDocuments(readFileSync(FRONT_DOOR, "utf8"));
  const configMaps = docs
    .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string }; data?: unknown })
    .filter((doc) => doc.kind === "ConfigMap" && doc.metadata?.name === "front-door");
  expect(configMaps, "one ConfigMap front-door in knative/front-door.yaml").to.have.length(1);
  const conf = (configMaps[0]?.data as Record<string, unknown> | undefined)?.["nginx.conf"];
  expect(conf, "the ConfigMap's nginx.conf").to.be.a("string");
  return conf as string;
}

/** Replaces `from` with `to`, insisting that `from` occurs exactly once. */
function substitute(conf: string, from: string, to: string): string {
  const count = conf.split(from).length - 1;
  if (count !== 1) {
    throw new Error(`expected "${from}" once in the shipped nginx.conf, found it ${count} times`);
  }
  return conf.replace(from, () => to);
}

/** The CA and the serving certificate for the name the API server sends, as cert-manager makes them. */
async function makeCertificates(dir: string): Promise<string> {
  const pki = await issueServerCertificate([SERVICE_NAME]);
  writeFileSync(join(dir, "tls.crt"), pki.cert);
  writeFileSync(join(dir, "tls.key"), pki.key);
  return pki.ca;
}

/** A plain HTTP pass-through to the function that records each request nginx sends it. */
function recordingRoute(target: URL, seen: Seen[]): Server {
  return createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      httpVersion: req.httpVersion,
      headers: req.headers,
    });
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) upstream.setHeader(name, value);
    }
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
}

function call(port: number, options: CallOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port,
        servername: options.servername ?? SERVICE_NAME,
        ca: options.ca,
        method: options.method ?? "GET",
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    // nginx may answer (413) before the body is sent and close; the answer is what counts.
    req.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error),
    );
    req.end(options.body);
  });
}

function postReview(port: number, ca: string, body: unknown): Promise<Answer> {
  const json = JSON.stringify(body);
  return call(port, {
    ca,
    method: "POST",
    // The API server appends the webhook's timeout to the Service path.
    path: "/nested-virt?timeout=10s",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(json) },
    body: json,
  });
}

interface Nginx {
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

async function startNginx(nginx: string, conf: string, port: number, ca: string): Promise<Nginx> {
  await run(nginx, ["-e", "stderr", "-t", "-c", conf]);
  const child = spawn(nginx, ["-e", "stderr", "-c", conf, "-g", "daemon off;"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const handle: Nginx = {
    child,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${err}`);
    const up = await call(port, { ca, path: "/healthz" }).catch(() => undefined);
    if (up?.status === 200) return handle;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await handle.stop();
  throw new Error(`nginx did not answer /healthz on port ${port}: ${err}`);
}

describe("the TLS front door (knative/front-door.yaml) with a real nginx", function () {
  this.timeout(30_000);
  const dns = new DnsResponder(ROUTE_SUFFIX);
  const seen: Seen[] = [];
  let dir = "";
  let ca = "";
  let port = 0;
  let fn: RunningFunction | undefined;
  let route: Server | undefined;
  let nginx: Nginx | undefined;

  before(async () => {
    const nginxBin = findCommand("nginx");
    dir = mkdtempSync(join(tmpdir(), "front-door-"));
    // nginx's workers run as nobody and keep request bodies under client_body_temp_path.
    chmodSync(dir, 0o755);
    ca = await makeCertificates(dir);
    const dnsPort = await dns.start();
    fn = await startFunction("nested-virt", { KUBECONFIG: "/nonexistent" });
    route = recordingRoute(new URL(fn.url), seen);
    const routePort = await new Promise<number>((resolve) => {
      route?.listen(0, "127.0.0.1", () => resolve((route?.address() as AddressInfo).port));
    });
    port = await freePort();
    let conf = shippedNginxConf();
    for (const [from, to] of [
      ["pid /tmp/nginx.pid;", `pid ${dir}/nginx.pid;`],
      ["client_body_temp_path /tmp/client_body;", `client_body_temp_path ${dir}/client_body;`],
      ["proxy_temp_path /tmp/proxy;", `proxy_temp_path ${dir}/proxy;`],
      ["resolver kube-dns.kube-system.svc.cluster.local ", `resolver 127.0.0.1:${dnsPort} `],
      ["listen 8443 ssl;", `listen 127.0.0.1:${port} ssl;`],
      ["ssl_certificate /tls/tls.crt;", `ssl_certificate ${dir}/tls.crt;`],
      ["ssl_certificate_key /tls/tls.key;", `ssl_certificate_key ${dir}/tls.key;`],
      // Knative's route listens on 80; here the pass-through's port. The Host header stays.
      [
        `proxy_pass http://$function${ROUTE_SUFFIX};`,
        `proxy_pass http://$function${ROUTE_SUFFIX}:${routePort};`,
      ],
    ] as const) {
      conf = substitute(conf, from, to);
    }
    writeFileSync(join(dir, "nginx.conf"), conf);
    nginx = await startNginx(nginxBin, join(dir, "nginx.conf"), port, ca);
  });

  after(async () => {
    await nginx?.stop();
    await fn?.stop();
    await new Promise<void>((resolve) => (route ? route.close(() => resolve()) : resolve()));
    await dns.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should answer an AdmissionReview sent the way the API server sends it", async () => {
    const vm = virtualMachine({ annotations: { [TRIGGER]: "vmx" } });
    const answer = await postReview(port, ca, admissionReview(vm, { uid: "front-door-1" }));
    expect(answer.status, answer.body).to.equal(200);
    expect(answer.headers["content-type"]).to.match(/^application\/json/);
    const body = JSON.parse(answer.body) as AdmissionReviewResponse;
    expect(body.apiVersion).to.equal("admission.k8s.io/v1");
    expect(body.kind).to.equal("AdmissionReview");
    expect(body.response.uid).to.equal("front-door-1");
    expect(body.response.allowed).to.equal(true);
    expect(body.response.patchType).to.equal("JSONPatch");
    expect(applyResponse(vm, body.response).spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "vmx", policy: "require" }],
    });
  });

  it("should reach the function's cluster-local route by DNS, with Knative's Host header", async () => {
    const before = seen.length;
    const vm = virtualMachine({ annotations: { [TRIGGER]: "vmx" } });
    const answer = await postReview(port, ca, admissionReview(vm, { uid: "front-door-host" }));
    expect(answer.status).to.equal(200);
    expect(seen.slice(before)).to.have.length(1);
    const forwarded = seen[before];
    expect(forwarded?.method).to.equal("POST");
    expect(forwarded?.url).to.equal("/nested-virt?timeout=10s");
    expect(forwarded?.headers.host).to.equal(`nested-virt${ROUTE_SUFFIX}`);
    // proxy_http_version 1.1 with an empty Connection header.
    expect(forwarded?.httpVersion).to.equal("1.1");
    expect(forwarded?.headers.connection).to.equal(undefined);
    expect(dns.queries).to.deep.include({ name: `nested-virt${ROUTE_SUFFIX}`, type: 1 });
  });

  it("should pass a review larger than nginx's in-memory body buffer", async () => {
    // Over client_body_buffer_size, nginx spools the body to client_body_temp_path first.
    const vm = virtualMachine({ annotations: { [TRIGGER]: "vmx", padding: "x".repeat(1 << 20) } });
    const answer = await postReview(port, ca, admissionReview(vm, { uid: "front-door-big" }));
    expect(answer.status, answer.body).to.equal(200);
    const body = JSON.parse(answer.body) as AdmissionReviewResponse;
    expect(body.response.uid).to.equal("front-door-big");
    expect(applyResponse(vm, body.response).spec?.template?.spec?.domain?.cpu).to.deep.equal({
      features: [{ name: "vmx", policy: "require" }],
    });
  });

  it("should fail the handshake for a client that checks another name", async () => {
    const error = await call(port, { ca, path: "/healthz", servername: "other.svc" }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).to.equal("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(error?.message).to.include("other.svc");
  });

  it("should fail the handshake for a client that does not trust the CA", async () => {
    const error = await call(port, { path: "/healthz" }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).to.equal("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("should answer /healthz itself, without the function", async () => {
    const before = seen.length;
    const answer = await call(port, { ca, path: "/healthz" });
    expect(answer).to.include({ status: 200, body: "ok\n" });
    expect(seen).to.have.length(before);
  });

  for (const path of ["/", "/nested-virt/extra", "/Nested-Virt", "/healthz/x"]) {
    it(`should answer ${path} with 404 and the shipped JSON, without the function`, async () => {
      const before = seen.length;
      const answer = await call(port, { ca, path, method: "POST", body: "{}" });
      expect(answer.status).to.equal(404);
      expect(answer.headers["content-type"]).to.equal("application/json");
      expect(JSON.parse(answer.body)).to.deep.equal({
        error: "not_found",
        message: "use /<function>",
      });
      expect(seen).to.have.length(before);
    });
  }

  it("should refuse a body over 7 MiB with 413 before the function sees it", async () => {
    const before = seen.length;
    const answer = await call(port, {
      ca,
      method: "POST",
      path: "/nested-virt?timeout=10s",
      headers: { "content-type": "application/json", "content-length": 7 * 1024 * 1024 + 1 },
      body: "x".repeat(64 * 1024),
    });
    expect(answer.status).to.equal(413);
    expect(answer.body).to.include("413 Request Entity Too Large");
    expect(seen).to.have.length(before);
  });

  it("should have logged no nginx error but the refused body", () => {
    const errors = (nginx?.stderr() ?? "")
      .split("\n")
      .filter((line) => /\[(emerg|alert|crit|error)\]/.test(line))
      .filter((line) => !line.includes("client intended to send too large body"));
    expect(errors).to.deep.equal([]);
  });
});
