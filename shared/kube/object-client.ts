import type * as Http from "node:http";
import type { IncomingMessage } from "node:http";
import type * as Https from "node:https";
import type { Agent as HttpsAgent, RequestOptions } from "node:https";
import type { KubeObject } from "../admission/types.ts";
import type { KindRef } from "./kinds.ts";
import { pluralOf } from "./kinds.ts";
import type { ClusterReader } from "./reader.ts";
import { ABSENT } from "./reader.ts";
import { statusOf } from "./client.ts";
import type { ApiConnection } from "./connection.ts";
import { loadConnection } from "./connection.ts";

/**
 * The uncached reader underneath the live one: a ClusterReader whose every answer is a round trip,
 * so always a promise. Failures carry the HTTP status as `code`.
 */
export type ObjectClient = {
  [Read in keyof ClusterReader]: (
    ...args: Parameters<ClusterReader[Read]>
  ) => Promise<Awaited<ReturnType<ClusterReader[Read]>>>;
};

/** What discovery says about a kind: its resource name and whether it lives in namespaces. */
interface ServedResource {
  kind: string;
  name: string;
  namespaced: boolean;
}

/**
 * An ObjectClient on the standard configuration (the pod's ServiceAccount, else KUBECONFIG through
 * client-node, its authenticators and proxy agents: see loadConnection) and node:https for the two
 * GETs a reader makes. client-node's own object API is left out on
 * purpose: it brings the model classes and their serializer (which would turn timestamps into
 * Dates and drop unknown fields, so responses stay plain JSON anyway) and the npm undici
 * transport, the largest part of what a first cluster read used to load (npm run bench).
 * Every request, discovery included, carries the caller's signal.
 */
export async function connectObjects(
  load: () => Promise<ApiConnection> = loadConnection,
): Promise<ObjectClient> {
  const api = new PlainObjectApi(await load());
  return {
    async get(kind, namespace, name, signal) {
      const resource = await api.served(kind, signal);
      if (!resource) return ABSENT;
      try {
        return await api.requestJson<KubeObject>(
          "GET",
          api.path(kind, resource, namespace, name),
          {},
          signal,
        );
      } catch (error) {
        if (statusOf(error) === 404) return ABSENT;
        throw error;
      }
    },
    async list(kind, query, signal) {
      const resource = await api.served(kind, signal);
      if (!resource) return ABSENT;
      const { labelSelector, fieldSelector } = query;
      const path = api.path(kind, resource, query.namespace ?? "");
      const list = await api.requestJson<{ items?: KubeObject[] }>(
        "GET",
        path,
        { query: { labelSelector, fieldSelector } },
        signal,
      );
      // A list carries its items without apiVersion/kind; put them back so objects look as they do alone.
      return (list.items ?? []).map((item) => ({
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        ...item,
      }));
    },
  };
}

/**
 * The objects a function keeps by name (vbios-injection's hook ConfigMap, cpu-labeller's Node), at
 * the kind's conventional resource name (`pluralOf`) and with no discovery, on the same
 * configuration and transport as the reads. Nothing is cached and a 404 is an error here: these
 * are the function's own objects, not a view. Failures are ApiStatusErrors with the HTTP status
 * as `code` (404, 409 for a create that lost a race).
 */
export interface OwnedObjects {
  read(ref: ObjectRef, signal: AbortSignal): Promise<KubeObject>;
  /** Creates the body in the namespace it names (`metadata.namespace`, none: cluster-scoped). */
  create(kind: KindRef, body: KubeObject, signal: AbortSignal): Promise<void>;
  /** Replaces the object the body names (`metadata.name` and `namespace`). */
  replace(kind: KindRef, body: KubeObject, signal: AbortSignal): Promise<void>;
  /** A JSON merge patch (RFC 7386): only the keys it names change. */
  mergePatch(ref: ObjectRef, patch: object, signal: AbortSignal): Promise<void>;
}

/** One object by name; `namespace` is "" for a cluster-scoped kind. */
export interface ObjectRef {
  kind: KindRef;
  namespace: string;
  name: string;
}

/**
 * OwnedObjects, on the reads' configuration and transport. Writing through
 * client-node's CoreV1Api loaded its API classes and models (771 source files, 2 MB) for a
 * function's first write: most of what vbios-injection's first review of a namespace, and
 * cpu-labeller's first publish, loaded.
 */
export async function connectOwned(
  load: () => Promise<ApiConnection> = loadConnection,
): Promise<OwnedObjects> {
  const api = new PlainObjectApi(await load());
  const path = ({ kind, namespace, name }: Omit<ObjectRef, "name"> & { name?: string }): string =>
    api.path(
      kind,
      { kind: kind.kind, name: pluralOf(kind), namespaced: namespace !== "" },
      namespace,
      name,
    );
  const namespaceOf = (body: KubeObject): string => body.metadata?.namespace ?? "";
  return {
    read: (ref, signal) => api.requestJson<KubeObject>("GET", path(ref), {}, signal),
    async create(kind, body, signal) {
      await api.requestJson("POST", path({ kind, namespace: namespaceOf(body) }), { body }, signal);
    },
    async replace(kind, body, signal) {
      const ref = { kind, namespace: namespaceOf(body), name: body.metadata?.name ?? "" };
      await api.requestJson("PUT", path(ref), { body }, signal);
    },
    async mergePatch(ref, patch, signal) {
      const type = "application/merge-patch+json";
      await api.requestJson("PATCH", path(ref), { body: patch, type }, signal);
    },
  };
}

/** An API error as client-node reports one: the status as `code`, the Status object as `body`. */
export class ApiStatusError extends Error {
  readonly code: number;
  readonly body: unknown;

  constructor(code: number, body: unknown) {
    const message = (body as { message?: unknown } | null)?.message;
    super(`HTTP ${code}${typeof message === "string" ? `: ${message}` : ""}`);
    this.name = "ApiStatusError";
    this.code = code;
    this.body = body;
  }
}

// Taken when the client connects, not when the function loads: node:https brings TLS with it.
const http = (): typeof Http => process.getBuiltinModule("node:http");
const https = (): typeof Https => process.getBuiltinModule("node:https");

interface RequestParts {
  query?: Record<string, string | undefined>;
  /** Sent as JSON, with `type` as its content type. */
  body?: unknown;
  type?: string;
}

class PlainObjectApi {
  private readonly connection: ApiConnection;
  private readonly discovered = new Map<string, ServedResource[]>();

  constructor(connection: ApiConnection) {
    this.connection = connection;
  }

  /** The kind's resource from discovery (cached per apiVersion), or undefined when not served. */
  async served(kind: KindRef, signal: AbortSignal): Promise<ServedResource | undefined> {
    const known = this.discovered.get(kind.apiVersion)?.find((r) => r.kind === kind.kind);
    if (known) return known;
    try {
      const list = await this.requestJson<{ resources?: ServedResource[] }>(
        "GET",
        apiVersionPath(kind.apiVersion),
        {},
        signal,
      );
      this.discovered.set(kind.apiVersion, list.resources ?? []);
      return list.resources?.find((r) => r.kind === kind.kind);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  path(kind: KindRef, resource: ServedResource, namespace: string, name?: string): string {
    const parts = [apiVersionPath(kind.apiVersion)];
    if (resource.namespaced && namespace) parts.push("namespaces", encodeURIComponent(namespace));
    parts.push(resource.name);
    if (name !== undefined) parts.push(encodeURIComponent(name));
    return parts.join("/");
  }

  async requestJson<T>(
    method: "GET" | "POST" | "PUT" | "PATCH",
    path: string,
    { query = {}, body, type = "application/json" }: RequestParts,
    signal: AbortSignal,
  ): Promise<T> {
    const url = this.urlOf(path, query);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: "application/json" };
    if (payload !== undefined) headers["content-type"] = type;
    const options: RequestOptions = { method, headers };
    await this.connection.authorize(options);
    options.agent = this.agentFor(url, options);
    options.signal = signal;
    const response = await send(url, options, payload);
    const answer = await readBody(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw new ApiStatusError(status, parseOrText(answer));
    return JSON.parse(answer) as T;
  }

  private urlOf(path: string, query: Record<string, string | undefined>): URL {
    const { server } = this.connection;
    // The server may carry a path of its own (API proxies do): append, never resolve.
    const url = new URL(`${server.replace(/\/+$/, "")}${path}`);
    for (const [key, value] of Object.entries(query)) if (value) url.searchParams.set(key, value);
    return url;
  }

  /**
   * The process's keep-alive agent: a first read makes two requests (discovery, then the read),
   * a function's writes follow its reads, and client-node's own https agent keeps no connection.
   * The agent pools connections by each request's TLS options, so reads and writes on one
   * configuration share a connection and another configuration never gets it. A proxy's agent,
   * or plain HTTP, is used as given.
   */
  private agentFor(url: URL, options: RequestOptions): RequestOptions["agent"] {
    if (this.connection.proxied || url.protocol !== "https:") return options.agent;
    keepAlive ??= new (https().Agent)({ keepAlive: true });
    return keepAlive;
  }
}

let keepAlive: HttpsAgent | undefined;

function apiVersionPath(apiVersion: string): string {
  return `/${apiVersion.includes("/") ? "apis" : "api"}/${apiVersion}`;
}

function send(url: URL, options: RequestOptions, payload?: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === "http:" ? http().request : https().request;
    request(url, options, resolve).on("error", reject).end(payload);
  });
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    response.on("error", reject);
    response.on("aborted", () => reject(new Error("the response was cut short")));
  });
}

function parseOrText(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
