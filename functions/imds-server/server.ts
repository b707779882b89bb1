import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { answerClientError } from "../../shared/runtime/http-guards.ts";
import type { Logger } from "../../shared/runtime/log.ts";
import type { Identity } from "./config.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { readToken, TokenUnavailable } from "./token.ts";

/** Every request is a bodiless GET with a handful of headers; the limits say so. */
export const MAX_HEADER_BYTES = 4096;

export interface ImdsServerOptions {
  identity: Identity;
  tokenPath: string;
  limiter: RateLimiter;
  log: Logger;
  /** Time allowed for a request's headers; tests shorten it. */
  headersTimeoutMs?: number;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Route {
  /** /v1/* answers only requests that prove they were made on purpose (see `guard`). */
  guarded: boolean;
  handle: () => Promise<Reply>;
}

function failure(status: number, error: string, message: string): Reply {
  return { status, body: { error, message } };
}

function routes(options: ImdsServerOptions): Map<string, Route> {
  return new Map<string, Route>([
    ["/healthz", { guarded: false, handle: () => Promise.resolve({ status: 200, body: "OK" }) }],
    [
      "/v1/identity",
      { guarded: true, handle: () => Promise.resolve({ status: 200, body: options.identity }) },
    ],
    ["/v1/token", { guarded: true, handle: () => tokenReply(options) }],
  ]);
}

async function tokenReply(options: ImdsServerOptions): Promise<Reply> {
  try {
    return { status: 200, body: await readToken(options.tokenPath) };
  } catch (error) {
    if (!(error instanceof TokenUnavailable)) throw error;
    options.log("error", "token unavailable", {
      event: "token_unavailable",
      reason: error.message,
    });
    return failure(503, "token_unavailable", "the ServiceAccount token cannot be read right now");
  }
}

/**
 * A metadata endpoint must not be reachable through a confused deputy: a guest web app made to
 * fetch a URL of the attacker's choosing cannot add a custom header, and a proxy that relays a
 * request adds X-Forwarded-For. The same rule as the Azure and GCP metadata services.
 */
function guard(req: IncomingMessage): Reply | undefined {
  if (req.headers["x-forwarded-for"] !== undefined) {
    return failure(400, "forwarded_request", "requests relayed by a proxy are refused");
  }
  const metadata = req.headers["metadata"];
  if (typeof metadata !== "string" || metadata.toLowerCase() !== "true") {
    return failure(400, "metadata_header_required", "send the header Metadata: true");
  }
  return undefined;
}

function precheck(req: IncomingMessage, options: ImdsServerOptions): Reply | undefined {
  const decision = options.limiter.take(req.socket.remoteAddress ?? "unknown");
  if (!decision.allowed) {
    const reply = failure(429, "rate_limited", "too many requests from this address");
    return { ...reply, headers: { "retry-after": String(decision.retryAfterSeconds) } };
  }
  const length = req.headers["content-length"];
  if ((length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined) {
    return failure(413, "body_not_allowed", "requests to this server carry no body");
  }
  return undefined;
}

async function dispatch(
  req: IncomingMessage,
  table: Map<string, Route>,
  options: ImdsServerOptions,
): Promise<Reply> {
  const early = precheck(req, options);
  if (early) return early;
  const path = requestPath(req.url ?? "/");
  const route = table.get(path);
  if (!route) return failure(404, "not_found", `no endpoint at ${path}`);
  if (req.method !== "GET") {
    const reply = failure(405, "method_not_allowed", `${path} answers GET only`);
    return { ...reply, headers: { allow: "GET" } };
  }
  return (route.guarded ? guard(req) : undefined) ?? route.handle();
}

// Letters, digits, `-`, `_` and single slashes: what a guest sends, and what URL parsing keeps as
// it is (no dot segments, escapes, query or authority to resolve).
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_-]+)+\/?$|^\/$/;

/** The request target's path as `new URL` resolves it, without building a URL for a plain one. */
export function requestPath(target: string): string {
  return PLAIN_PATH.test(target) ? target : new URL(target, "http://imds").pathname;
}

function send(res: ServerResponse, reply: Reply): void {
  const text = typeof reply.body === "string";
  const body = text ? String(reply.body) : JSON.stringify(reply.body);
  const headers: Record<string, string> = {
    "content-type": text ? "text/plain; charset=utf-8" : "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    ...reply.headers,
  };
  // A client that sent a body we did not read would desynchronise a kept-alive connection.
  if (reply.status === 413) headers["connection"] = "close";
  res.writeHead(reply.status, headers);
  res.end(body);
}

export function createImdsServer(options: ImdsServerOptions): Server {
  const table = routes(options);
  const headersTimeout = options.headersTimeoutMs ?? 5_000;
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: headersTimeout,
      requestTimeout: headersTimeout * 2,
      // How often node:http looks for expired requests; its default of 30 s would let a slow
      // client hold a socket far past the timeouts above.
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    (req, res) => {
      dispatch(req, table, options).then(
        (reply) => send(res, reply),
        (error: unknown) => {
          options.log("error", "request failed", { event: "internal_error", error: String(error) });
          send(res, failure(500, "internal_error", "the request could not be answered"));
        },
      );
    },
  );
  server.keepAliveTimeout = 5_000;
  // One VM's guest is the only expected client; this caps sockets a noisy guest can hold.
  server.maxConnections = 64;
  server.on("clientError", answerClientError);
  return server;
}
