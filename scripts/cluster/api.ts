// A plain JSON client for the scripts and tests: node:https with the admin's client certificate
// (or a token), discovery to find a kind's resource, and server-side apply as kubectl does it.
import { Agent, request } from "node:https";

export interface Credentials {
  server: string;
  ca: string;
  cert?: string;
  key?: string;
  token?: string;
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** What the API server answered instead of 2xx: its Status message, one line. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(what: string, answer: Answer) {
    const message = (answer.body as { message?: unknown } | null)?.message;
    super(
      `${what}: HTTP ${answer.status}: ${typeof message === "string" ? message : JSON.stringify(answer.body)}`,
    );
    this.status = answer.status;
    this.body = answer.body;
  }
}

export class Api {
  readonly credentials: Credentials;
  private readonly agent: Agent;
  private readonly resources = new Map<string, Resource[]>();

  constructor(credentials: Credentials) {
    this.credentials = credentials;
    const { ca, cert, key } = credentials;
    this.agent = new Agent({ keepAlive: true, ca, cert, key });
  }

  /** Any request; the body is sent as JSON unless `contentType` says otherwise. */
  send<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<Answer<T>> {
    const url = new URL(path, this.credentials.server);
    const payload =
      body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const headers: Record<string, string> = { accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = contentType ?? "application/json";
    if (this.credentials.token) headers["authorization"] = `Bearer ${this.credentials.token}`;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text) as unknown;
          } catch {
            // not JSON (healthz answers "ok")
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** A request that must succeed: anything but 2xx throws the server's message. */
  async ok<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<T> {
    const answer = await this.send<T>(method, path, body, contentType);
    if (answer.status < 200 || answer.status > 299) throw new ApiError(`${method} ${path}`, answer);
    return answer.body;
  }

  private async resource(apiVersion: string, kind: string): Promise<Resource> {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    for (const fresh of [false, true]) {
      if (fresh || !this.resources.has(base)) {
        const list = await this.send<{ resources?: Resource[] }>("GET", base);
        this.resources.set(base, list.status === 200 ? (list.body.resources ?? []) : []);
      }
      const found = this.resources.get(base)?.find((r) => r.kind === kind && !r.name.includes("/"));
      if (found) return found;
    }
    throw new Error(`the API server serves no ${kind} in ${apiVersion}`);
  }

  /** The URL path of a kind's collection (no name) or of one object. */
  async path(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const resource = await this.resource(apiVersion, kind);
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const scope = resource.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
    return `${base}${scope}/${resource.name}${name === undefined ? "" : `/${name}`}`;
  }

  /** Server-side apply, as `kubectl apply --server-side` sends it. */
  async apply<T = KubeObject>(object: KubeObject, fieldManager = "npm-run-cluster"): Promise<T> {
    const { apiVersion, kind, metadata } = object;
    const path = await this.path(apiVersion, kind, metadata.namespace, metadata.name);
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
    return this.ok<T>("PATCH", path + query, object, "application/apply-patch+yaml");
  }

  async create<T = KubeObject>(object: KubeObject, query = ""): Promise<T> {
    const path = await this.path(object.apiVersion, object.kind, object.metadata.namespace);
    return this.ok<T>("POST", path + query, object);
  }

  /** The object, or undefined when the server says 404. */
  async get<T = KubeObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<T | undefined> {
    const path = await this.path(apiVersion, kind, namespace, name);
    const answer = await this.send<T>("GET", path);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new ApiError(`GET ${path}`, answer);
    return answer.body;
  }

  async delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<void> {
    const path = await this.path(apiVersion, kind, namespace, name);
    const answer = await this.send("DELETE", path);
    if (answer.status !== 404 && (answer.status < 200 || answer.status > 299)) {
      throw new ApiError(`DELETE ${path}`, answer);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
