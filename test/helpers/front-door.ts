// The shipped TLS front door (knative/front-door.yaml) run for real: its nginx.conf in a real
// nginx with a CA-issued certificate for the name the API server uses, a stand-in for the cluster
// DNS, and a stand-in for Knative's ingress that routes by Host header to function processes.
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
import { delimiter, dirname, join } from "node:path";
import { randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { DnsResponder } from "./dns-responder.ts";
import { issueServerCertificate } from "./tls.ts";

const FRONT_DOOR = fileURLToPath(new URL("../../knative/front-door.yaml", import.meta.url));
export const SERVICE_NAME = "vm-feature-webhooks.vm-feature-functions.svc";
export const ROUTE_SUFFIX = ".vm-feature-functions.svc.cluster.local";
const MISSING = "install nginx-light (apt-get install nginx-light); npm test installs it as root";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CallOptions {
  path: string;
  method?: string;
  body?: string;
  headers?: Record<string, string | number>;
  servername?: string;
  ca?: string;
  /** The address nginx listens on; 127.0.0.1 unless the front door was started on another. */
  host?: string;
}

export interface Seen {
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

/** A file of the ConfigMap `front-door` (nginx.conf, start.sh), as shipped. */
function shippedFile(name: string): string {
  const docs = parseAllDocuments(readFileSync(FRONT_DOOR, "utf8"));
  const configMaps = docs
    .map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string }; data?: unknown })
    .filter((doc) => doc.kind === "ConfigMap" && doc.metadata?.name === "front-door");
  expect(configMaps, "one ConfigMap front-door in knative/front-door.yaml").to.have.length(1);
  const file = (configMaps[0]?.data as Record<string, unknown> | undefined)?.[name];
  expect(file, `the ConfigMap's ${name}`).to.be.a("string");
  return file as string;
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

/**
 * Knative's ingress, as far as the front door sees it: one port, routing by Host header
 * (`<function>.vm-feature-functions.svc.cluster.local`) to that function, recording every request.
 * A Host with no function is answered 404, as the ingress answers a route that does not exist.
 */
function ingress(routes: Readonly<Record<string, string>>, seen: Seen[]): Server {
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      httpVersion: req.httpVersion,
      headers: req.headers,
    });
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    const target = routes[host.endsWith(ROUTE_SUFFIX) ? host.slice(0, -ROUTE_SUFFIX.length) : ""];
    if (!target) {
      res.writeHead(404).end();
      return;
    }
    const url = new URL(target);
    const upstream = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.url },
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
  // Envoy keeps an idle connection for an hour; Node's default 5 s would close under nginx.
  server.keepAliveTimeout = 3_600_000;
  return server;
}

export function call(port: number, options: CallOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: options.host ?? "127.0.0.1",
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

export interface Nginx {
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** The environment that points the shipped start.sh at this test's files instead of the pod's. */
function startEnv(dir: string, nginxDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${nginxDir}${delimiter}${process.env["PATH"] ?? ""}`,
    FRONT_DOOR_CONF: join(dir, "nginx.conf"),
    RESOLV_CONF: join(dir, "resolv.conf"),
    RESOLVER_CONF: join(dir, "resolver.conf"),
    TLS_CERT: join(dir, "tls.crt"),
    // The certificate watcher's sleep outlives the script by at most this.
    RELOAD_CHECK_SECONDS: "1",
  };
}

/**
 * Runs the shipped start.sh on `resolvConf` with an nginx that exits at once, and returns the
 * resolver line it wrote (or its error output when it refused).
 */
export function resolverFor(resolvConf: string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), "front-door-start-"));
  writeFileSync(join(dir, "start.sh"), shippedFile("start.sh"));
  writeFileSync(join(dir, "resolv.conf"), resolvConf);
  writeFileSync(join(dir, "tls.crt"), "");
  writeFileSync(join(dir, "nginx"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  return new Promise((resolve) => {
    execFile("sh", [join(dir, "start.sh")], { env: startEnv(dir, dir) }, (error, _out, stderr) => {
      let out = stderr;
      try {
        out = readFileSync(join(dir, "resolver.conf"), "utf8");
      } catch {
        // start.sh refused before writing it
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: error ? Number(error.code) : 0, out });
    });
  });
}

/** The shipped start.sh, run as the pod runs it: it writes the resolver, then runs nginx. */
async function startNginx(nginx: string, dir: string, at: Listen, ca: string): Promise<Nginx> {
  const { host, port } = at;
  writeFileSync(join(dir, "start.sh"), shippedFile("start.sh"));
  const child = spawn("sh", [join(dir, "start.sh")], {
    stdio: ["ignore", "ignore", "pipe"],
    env: startEnv(dir, dirname(nginx)),
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
    const up = await call(port, { ca, host, path: "/healthz" }).catch(() => undefined);
    if (up?.status === 200) return handle;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await handle.stop();
  throw new Error(`nginx did not answer /healthz on port ${port}: ${err}`);
}

/** Where nginx listens: by default a free port on 127.0.0.1. */
export interface Listen {
  host: string;
  port: number;
}

export interface FrontDoor {
  host: string;
  port: number;
  ca: string;
  dns: DnsResponder;
  /** What the ingress stand-in received, in order. */
  seen: Seen[];
  /** How many connections the ingress stand-in has accepted so far. */
  ingressConnections(): number;
  nginx: Nginx;
  /** POSTs an AdmissionReview the way the API server does: `/<function>?timeout=10s`, TLS, SNI. */
  review(fn: string, body: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * Starts the shipped front door in front of `routes` (function name -> its process URL), on
 * `listen` when given (npm run cluster: port 443 of a loopback address, the webhook entries' port).
 */
export async function startFrontDoor(
  routes: Readonly<Record<string, string>>,
  listen?: Listen,
): Promise<FrontDoor> {
  const nginxBin = findCommand("nginx");
  const dir = mkdtempSync(join(tmpdir(), "front-door-"));
  // nginx's workers run as nobody and keep request bodies under client_body_temp_path.
  chmodSync(dir, 0o755);
  const ca = await makeCertificates(dir);
  const dns = new DnsResponder(ROUTE_SUFFIX);
  // A resolv.conf names no port, so the DNS stand-in listens on 53, at a loopback address of its
  // own (binding port 53 needs root, as the rest of npm test's host tests do).
  const dnsHost = `127.53.${randomInt(1, 255)}.${randomInt(1, 255)}`;
  await dns.start(dnsHost, 53);
  writeFileSync(
    join(dir, "resolv.conf"),
    `search vm-feature-functions.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${dnsHost}\noptions ndots:5\n`,
  );
  const seen: Seen[] = [];
  const route = ingress(routes, seen);
  let connections = 0;
  route.on("connection", () => (connections += 1));
  const routePort = await new Promise<number>((resolve) => {
    route.listen(0, "127.0.0.1", () => resolve((route.address() as AddressInfo).port));
  });
  const at = listen ?? { host: "127.0.0.1", port: await freePort() };
  const { host, port } = at;
  writeFileSync(join(dir, "nginx.conf"), localNginxConf({ dir, at, routePort }));
  const nginx = await startNginx(nginxBin, dir, at, ca);
  return {
    host,
    port,
    ca,
    dns,
    seen,
    ingressConnections: () => connections,
    nginx,
    review: (fn, body) => {
      const json = JSON.stringify(body);
      return call(port, {
        ca,
        host,
        method: "POST",
        // The API server appends the webhook's timeout to the Service path.
        path: `/${fn}?timeout=10s`,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(json) },
        body: json,
      });
    },
    stop: async () => {
      await nginx.stop();
      await new Promise<void>((resolve) => route.close(() => resolve()));
      await dns.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The shipped nginx.conf with only its paths, ports and resolver moved to this machine's. */
function localNginxConf(local: { dir: string; at: Listen; routePort: number }): string {
  const { dir, at, routePort } = local;
  let conf = shippedFile("nginx.conf");
  for (const [from, to] of [
    ["pid /tmp/nginx.pid;", `pid ${dir}/nginx.pid;`],
    ["client_body_temp_path /tmp/client_body;", `client_body_temp_path ${dir}/client_body;`],
    ["proxy_temp_path /tmp/proxy;", `proxy_temp_path ${dir}/proxy;`],
    ["include /tmp/resolver.conf;", `include ${dir}/resolver.conf;`],
    ["listen 8443 ssl;", `listen ${at.host}:${at.port} ssl;`],
    ["ssl_certificate /tls/tls.crt;", `ssl_certificate ${dir}/tls.crt;`],
    ["ssl_certificate_key /tls/tls.key;", `ssl_certificate_key ${dir}/tls.key;`],
    // Knative's ingress, kourier-internal on port 80; here the ingress stand-in. The Host stays.
    [
      "server kourier-internal.kourier-system.svc.cluster.local:80;",
      `server 127.0.0.1:${routePort};`,
    ],
  ] as const) {
    conf = substitute(conf, from, to);
  }
  return conf;
}
