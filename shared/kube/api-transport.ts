import type * as Http from "node:http";
import type { IncomingMessage } from "node:http";
import type * as Https from "node:https";
import type { Agent as HttpsAgent, RequestOptions } from "node:https";
import type { KindRef } from "./kinds.ts";
import { statusOf } from "./api-errors.ts";

/** Where the API server is, and what each request to it carries. */
export interface ApiConnection {
  /** The server's URL; it may carry a path of its own (API proxies do). */
  readonly server: string;
  /** Requests go through a proxy: its agent is used as given, never swapped for a keep-alive one. */
  readonly proxied: boolean;
  /** Puts TLS material, credentials and (through a proxy) the agent on one request's options. */
  authorize(options: RequestOptions): Promise<void>;
}

/** What discovery says about a kind: its resource name and whether it lives in namespaces. */
export interface ServedResource {
  kind: string;
  name: string;
  namespaced: boolean;
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

/** JSON requests to the API server over node:http(s), and discovery of a kind's resource. */
export class PlainObjectApi {
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
