import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KindInfo, KindRef } from "../../shared/kube/kinds.ts";
import { KINDS } from "../../shared/kube/kinds.ts";
import { matchesFields, matchesLabels } from "../../shared/kube/selectors.ts";
import type { TestPki } from "./tls.ts";
import { issueServerCertificate } from "./tls.ts";

export interface FakeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  contentType: string;
  body: unknown;
  authorization: string;
}

/** A kind the server knows: a row of the house's one table. */
export type ServedKind = KindInfo;

/** Kinds the server knows how to serve; built-in groups are always served, the rest on demand. */
export const KNOWN_KINDS: readonly ServedKind[] = KINDS;

const ALWAYS_SERVED = new Set(KINDS.filter((k) => k.builtIn).map((k) => k.apiVersion));

/** What the server does with every request: answer, or misbehave the way real API servers do. */
export type FakeMode = "ok" | "forbidden" | "hang" | "error" | "reset" | "garbage";

let pki: Promise<TestPki> | undefined;

/**
 * A local HTTPS server with its own CA that speaks the Kubernetes API the functions use, for any
 * kind in KNOWN_KINDS: discovery, list (label and field selectors), get, create, replace, patch
 * (JSON and merge) and delete. Tests run the real @kubernetes/client-node code against it, over
 * TLS verified against the CA in the kubeconfig. A custom group is served only once an object of
 * it is added or `serve` is called, as a CRD is only once installed. `mode` makes the API refuse
 * (403), hang, fail (500), reset connections or answer garbage; `delayMs` slows every answer, and
 * `down`/`up` stop and resume listening on the same port.
 */
export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  /** TLS connections clients have opened: each one a handshake. */
  handshakes = 0;
  mode: FakeMode = "ok";
  /** Every answer waits this long first: a slow API server. */
  delayMs = 0;
  private readonly store = new Map<string, FakeObject>();
  private readonly served = new Set(ALWAYS_SERVED);
  private version = 1;
  private server: Server | undefined;
  private url = "";
  private ca = "";

  addNode(name: string, labels: Record<string, string>): void {
    this.put({ apiVersion: "v1", kind: "Node", metadata: { name, labels } });
  }

  setConfigMap(namespace: string, name: string, data: Record<string, string>): void {
    this.put({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data });
  }

  /** Adds or replaces an object (its group becomes served) with a new resourceVersion. */
  put(object: FakeObject): void {
    const kind = this.kindOf(object.apiVersion ?? "", object.kind ?? "");
    this.served.add(kind.apiVersion);
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String((this.version += 1));
    this.store.set(key(kind, stored.metadata.namespace ?? "", stored.metadata.name), stored);
  }

  object(kind: KindRef, namespace: string, name: string): FakeObject | undefined {
    return this.store.get(key(kind, namespace, name));
  }

  node(name: string): FakeObject | undefined {
    return this.object({ apiVersion: "v1", kind: "Node" }, "", name);
  }

  /** Deletes one object, as `kubectl delete` would. */
  remove(kind: KindRef, namespace: string, name: string): void {
    this.store.delete(key(kind, namespace, name));
  }

  /** Deletes every object of a kind. */
  clear(kind: KindRef): void {
    const prefix = `${kind.apiVersion}|${kind.kind}|`;
    for (const k of [...this.store.keys()]) if (k.startsWith(prefix)) this.store.delete(k);
  }

  serve(apiVersion: string): void {
    this.served.add(apiVersion);
  }

  /** The group version is no longer served, as when its CRDs are uninstalled. */
  unserve(apiVersion: string): void {
    this.served.delete(apiVersion);
  }

  async start(): Promise<string> {
    const { ca, cert, key } = await (pki ??= issueServerCertificate(["127.0.0.1", "localhost"]));
    this.ca = ca;
    this.server = createServer({ cert, key }, (req, res) => void this.handle(req, res));
    this.server.on("secureConnection", () => (this.handshakes += 1));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** The CA that signed the server's certificate, PEM. */
  caCertificate(): string {
    return this.ca;
  }

  /**
   * A pod's view of this server: a directory laid out as the kubelet mounts a ServiceAccount
   * (token, ca.crt, namespace) and the two variables it sets, for the in-cluster configuration.
   */
  writeServiceAccount(token = "sa-token"): {
    root: string;
    env: { KUBERNETES_SERVICE_HOST: string; KUBERNETES_SERVICE_PORT: string };
  } {
    const root = mkdtempSync(join(tmpdir(), "fake-sa-"));
    writeFileSync(join(root, "token"), token);
    writeFileSync(join(root, "ca.crt"), this.ca);
    writeFileSync(join(root, "namespace"), "default");
    const { hostname, port } = new URL(this.url);
    return { root, env: { KUBERNETES_SERVICE_HOST: hostname, KUBERNETES_SERVICE_PORT: port } };
  }

  /** A kubeconfig file pointing at this server and trusting its CA, for client-node's loadFromDefault. */
  writeKubeconfig(): string {
    const dir = mkdtempSync(join(tmpdir(), "fake-kube-"));
    const file = join(dir, "kubeconfig");
    const caData = Buffer.from(this.ca).toString("base64");
    writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: fake, cluster: {server: '${this.url}', certificate-authority-data: ${caData}}}]`,
        "users: [{name: fake, user: {token: fake-token}}]",
        "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
        "current-context: fake",
      ].join("\n"),
    );
    return file;
  }

  /** Stops listening, so connections are refused (a down API server), until `up`. */
  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Listens again on the same address, as an API server that comes back. */
  async up(): Promise<void> {
    const port = Number(new URL(this.url).port);
    await new Promise<void>((resolve) => this.server?.listen(port, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private kindOf(apiVersion: string, kind: string): ServedKind {
    const known = KNOWN_KINDS.find((k) => k.apiVersion === apiVersion && k.kind === kind);
    if (!known)
      throw new Error(`FakeKubeApi does not know ${apiVersion} ${kind}; add it to KNOWN_KINDS`);
    return known;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query: url.search,
      contentType: req.headers["content-type"] ?? "",
      body,
      authorization: req.headers.authorization ?? "",
    });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.misbehave(url, res)) return;
    try {
      this.route(req.method ?? "GET", url, body, res);
    } catch (error) {
      status(res, 400, "BadRequest", (error as Error).message);
    }
  }

  private misbehave(url: URL, res: ServerResponse): boolean {
    switch (this.mode) {
      case "ok":
        return false;
      case "hang":
        return true;
      case "forbidden":
        status(res, 403, "Forbidden", `forbidden: ${url.pathname}`);
        return true;
      case "error":
        status(res, 500, "InternalError", "etcdserver: request timed out");
        return true;
      case "reset":
        res.socket?.destroy();
        return true;
      case "garbage":
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{not json");
        return true;
    }
  }

  private route(method: string, url: URL, body: unknown, res: ServerResponse): void {
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/?$/.exec(url.pathname);
    if (discovery && method === "GET")
      return this.discover(discovery[1] ?? discovery[2] ?? "", res);
    const target = this.parse(url.pathname);
    if (!target)
      return status(
        res,
        404,
        "NotFound",
        `the server could not find the requested resource (${url.pathname})`,
      );
    if (target.name === undefined) return this.collection({ method, url, body }, target, res);
    return this.item(method, { ...target, name: target.name }, body, res);
  }

  private discover(apiVersion: string, res: ServerResponse): void {
    if (!this.served.has(apiVersion))
      return status(res, 404, "NotFound", "the server could not find the requested resource");
    const resources = KNOWN_KINDS.filter((k) => k.apiVersion === apiVersion).map((k) => ({
      name: k.plural,
      singularName: k.kind.toLowerCase(),
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    }));
    json(res, 200, {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: apiVersion,
      resources,
    });
  }

  private parse(path: string): { kind: ServedKind; namespace: string; name?: string } | undefined {
    const match =
      /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(
        path,
      );
    if (!match) return undefined;
    const apiVersion = match[1] ?? match[2] ?? "";
    const kind = KNOWN_KINDS.find((k) => k.apiVersion === apiVersion && k.plural === match[4]);
    if (!kind || !this.served.has(apiVersion)) return undefined;
    const namespace = match[3] ? decodeURIComponent(match[3]) : "";
    const name = match[5] === undefined ? undefined : decodeURIComponent(match[5]);
    return { kind, namespace, ...(name === undefined ? {} : { name }) };
  }

  private collection(
    { method, url, body }: { method: string; url: URL; body: unknown },
    target: { kind: ServedKind; namespace: string },
    res: ServerResponse,
  ): void {
    const { kind, namespace } = target;
    if (method === "POST") {
      const object = body as FakeObject;
      const ns = kind.namespaced ? namespace : "";
      if (this.object(kind, ns, object.metadata.name))
        return status(
          res,
          409,
          "AlreadyExists",
          `${kind.plural} "${object.metadata.name}" already exists`,
        );
      this.put({
        ...object,
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        metadata: { ...object.metadata, ...(ns ? { namespace: ns } : {}) },
      });
      return json(res, 201, this.object(kind, ns, object.metadata.name));
    }
    if (method !== "GET") return status(res, 405, "MethodNotAllowed", method);
    const items = [...this.store.values()].filter(
      (o) =>
        o.apiVersion === kind.apiVersion &&
        o.kind === kind.kind &&
        (!namespace || o.metadata.namespace === namespace) &&
        matchesLabels(url.searchParams.get("labelSelector") ?? "", o.metadata.labels) &&
        matchesFields(url.searchParams.get("fieldSelector") ?? "", o),
    );
    // Real list responses carry items without apiVersion and kind.
    const bare = items.map((o) => {
      const rest: Partial<FakeObject> = { ...o };
      delete rest.apiVersion;
      delete rest.kind;
      return rest;
    });
    json(res, 200, {
      apiVersion: kind.apiVersion,
      kind: `${kind.kind}List`,
      metadata: { resourceVersion: String(this.version) },
      items: bare,
    });
  }

  private item(
    method: string,
    target: { kind: ServedKind; namespace: string; name: string },
    body: unknown,
    res: ServerResponse,
  ): void {
    const { kind, namespace, name } = target;
    const found = this.object(kind, namespace, name);
    if (!found) return status(res, 404, "NotFound", `${kind.plural} "${name}" not found`);
    if (method === "GET") return json(res, 200, found);
    if (method === "DELETE") {
      this.store.delete(key(kind, namespace, name));
      return json(res, 200, found);
    }
    let next: FakeObject;
    if (method === "PUT") next = body as FakeObject;
    else if (method === "PATCH")
      next = Array.isArray(body)
        ? (jsonpatch.applyPatch(structuredClone(found), body as Operation[])
            .newDocument as FakeObject)
        : (mergePatch(found, body) as FakeObject);
    else return status(res, 405, "MethodNotAllowed", method);
    this.put({ ...next, apiVersion: kind.apiVersion, kind: kind.kind });
    json(res, 200, this.object(kind, namespace, name));
  }
}

function key(kind: KindRef, namespace: string, name: string): string {
  return [kind.apiVersion, kind.kind, namespace, name].join("|");
}

/**
 * Points this process's KUBECONFIG at `target` (a FakeKubeApi's kubeconfig, or a path as it is)
 * for client-node's loadFromDefault, and returns the function that puts the previous value back,
 * unset if it was unset.
 */
export function useKubeconfig(target: FakeKubeApi | string): () => void {
  const previous = process.env["KUBECONFIG"];
  process.env["KUBECONFIG"] = typeof target === "string" ? target : target.writeKubeconfig();
  return () => {
    if (previous === undefined) delete process.env["KUBECONFIG"];
    else process.env["KUBECONFIG"] = previous;
  };
}

/**
 * A FakeKubeApi started before the enclosing describe's tests, with KUBECONFIG pointing at it,
 * and stopped (KUBECONFIG put back) after them.
 */
export function servedFakeKubeApi(): FakeKubeApi {
  const api = new FakeKubeApi();
  let restoreKubeconfig: () => void = () => undefined;
  before(async () => {
    await api.start();
    restoreKubeconfig = useKubeconfig(api);
  });
  after(async () => {
    restoreKubeconfig();
    await api.stop();
  });
  return api;
}

/** RFC 7386 JSON merge patch (strategic merge is the same for labels). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, value] of Object.entries(patch)) {
    if (value === null) delete out[k];
    else out[k] = mergePatch(out[k], value);
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function json(res: ServerResponse, code: number, value: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { apiVersion: "v1", kind: "Status", status: "Failure", reason, message, code });
}
