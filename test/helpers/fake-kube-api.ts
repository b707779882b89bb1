import jsonpatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  contentType: string;
  body: unknown;
  authorization: string;
}

/**
 * A local HTTP server that speaks the part of the Kubernetes API the functions use (nodes,
 * configmaps; list, get, patch), so tests run the real @kubernetes/client-node code against it.
 * `mode` simulates an API that refuses (403) or never answers.
 */
export class FakeKubeApi {
  readonly nodes = new Map<string, FakeObject>();
  readonly configMaps = new Map<string, FakeObject>();
  readonly requests: RecordedRequest[] = [];
  mode: "ok" | "forbidden" | "hang" = "ok";
  private server: Server | undefined;
  private url = "";

  addNode(name: string, labels: Record<string, string>): void {
    this.nodes.set(name, { apiVersion: "v1", kind: "Node", metadata: { name, labels } });
  }

  setConfigMap(namespace: string, name: string, data: Record<string, string>): void {
    this.configMaps.set(`${namespace}/${name}`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace },
      data,
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** A kubeconfig file pointing at this server, for client-node's loadFromDefault via KUBECONFIG. */
  writeKubeconfig(): string {
    const dir = mkdtempSync(join(tmpdir(), "fake-kube-"));
    const file = join(dir, "kubeconfig");
    writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: fake, cluster: {server: '" +
          this.url +
          "', insecure-skip-tls-verify: true}}]",
        "users: [{name: fake, user: {token: fake-token}}]",
        "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
        "current-context: fake",
      ].join("\n"),
    );
    return file;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      contentType: req.headers["content-type"] ?? "",
      body,
      authorization: req.headers.authorization ?? "",
    });
    if (this.mode === "hang") return;
    if (this.mode === "forbidden")
      return status(res, 403, "Forbidden", `forbidden: ${url.pathname}`);
    this.route(req.method ?? "GET", url, body, res);
  }

  private route(method: string, url: URL, body: unknown, res: ServerResponse): void {
    const path = url.pathname;
    if (method === "GET" && path === "/api/v1/nodes") {
      const items = [...this.nodes.values()].filter((n) =>
        selects(url.searchParams.get("labelSelector"), n),
      );
      return json(res, 200, { apiVersion: "v1", kind: "NodeList", metadata: {}, items });
    }
    const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(path);
    if (node?.[1]) return this.nodeRoute(method, decodeURIComponent(node[1]), body, res);
    const cm = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/.exec(path);
    if (method === "GET" && cm?.[1] && cm[2]) {
      const found = this.configMaps.get(`${cm[1]}/${cm[2]}`);
      return found
        ? json(res, 200, found)
        : status(res, 404, "NotFound", `configmaps "${cm[2]}" not found`);
    }
    status(res, 404, "NotFound", `the server could not find ${method} ${path}`);
  }

  private nodeRoute(method: string, name: string, body: unknown, res: ServerResponse): void {
    const found = this.nodes.get(name);
    if (!found) return status(res, 404, "NotFound", `nodes "${name}" not found`);
    if (method === "GET") return json(res, 200, found);
    if (method !== "PATCH") return status(res, 405, "MethodNotAllowed", method);
    const patchedNode = Array.isArray(body)
      ? (jsonpatch.applyPatch(structuredClone(found), body as Operation[])
          .newDocument as FakeObject)
      : (mergePatch(found, body) as FakeObject);
    this.nodes.set(name, patchedNode);
    json(res, 200, patchedNode);
  }
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

/** RFC 7386 JSON merge patch (strategic merge is the same for labels). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === "object" && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function selects(selector: string | null, object: FakeObject): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    const labels = object.metadata.labels ?? {};
    return key !== undefined && (value === undefined ? key in labels : labels[key] === value);
  });
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
