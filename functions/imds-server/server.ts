import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { envelope, methodNotAllowed } from "../../shared/runtime/envelope.ts";
import type { LogLine, Reply } from "../../shared/runtime/envelope.ts";
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

interface Route {
  /** /v1/* answers only requests that prove they were made on purpose (see `guard`). */
  guarded: boolean;
  handle: () => Promise<Handled>;
}

/** A route's answer, and the request's log line when it has one. */
interface Handled {
  reply: Reply;
  line?: LogLine;
}

function failure(status: number, error: string, message: string): Reply {
  return { status, body: { error, message } };
}

function routes(options: ImdsServerOptions): Map<string, Route> {
  const ok = (body: unknown) => (): Promise<Handled> =>
    Promise.resolve({ reply: { status: 200, body } });
  return new Map<string, Route>([
    ["/healthz", { guarded: false, handle: ok("OK") }],
    ["/v1/identity", { guarded: true, handle: ok(options.identity) }],
    ["/v1/token", { guarded: true, handle: () => tokenReply(options) }],
  ]);
}

async function tokenReply(options: ImdsServerOptions): Promise<Handled> {
  try {
    return { reply: { status: 200, body: await readToken(options.tokenPath) } };
  } catch (error) {
    if (!(error instanceof TokenUnavailable)) throw error;
    const fields = { event: "token_unavailable", reason: error.message };
    return {
      reply: failure(503, "token_unavailable", "the ServiceAccount token cannot be read right now"),
      line: { level: "error", msg: "token unavailable", fields },
    };
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

// The rate limit, then the path and the method; a body is the envelope's to refuse.
function screen(
  req: IncomingMessage,
  table: Map<string, Route>,
  limiter: RateLimiter,
): Reply | undefined {
  const decision = limiter.take(req.socket.remoteAddress ?? "unknown");
  if (!decision.allowed) {
    const reply = failure(429, "rate_limited", "too many requests from this address");
    return { ...reply, headers: { "retry-after": String(decision.retryAfterSeconds) } };
  }
  const path = requestPath(req.url ?? "/");
  if (!table.has(path)) return failure(404, "not_found", `no endpoint at ${path}`);
  return req.method === "GET" ? undefined : methodNotAllowed(`${path} answers GET only`, "GET");
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
): Promise<LogLine | undefined> {
  const refused = route.guarded ? guard(req) : undefined;
  const { reply, line } = refused ? { reply: refused, line: undefined } : await route.handle();
  send(res, reply);
  return line;
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
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** The metadata server: its routes in the shared envelope, on node:http with a guest's limits. */
export function createImdsServer(options: ImdsServerOptions): Server {
  const table = routes(options);
  const headersTimeout = options.headersTimeoutMs ?? 5_000;
  const handler = envelope<never, IncomingMessage, ServerResponse>({
    name: "imds-server",
    methodHint: "use GET",
    allow: "GET",
    log: options.log,
    screen: (req) => screen(req, table, options.limiter),
    // screen let only known paths through.
    get: (req, res) => answer(req, res, table.get(requestPath(req.url ?? "/")) as Route),
    send,
    // The guest is the client: a bug's details are for the log only.
    internal: { error: "internal_error", message: "the request could not be answered" },
  });
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: headersTimeout,
      requestTimeout: headersTimeout * 2,
      // How often node:http looks for expired requests; its default of 30 s would let a slow
      // client hold a socket far past the timeouts above.
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    handler,
  );
  server.keepAliveTimeout = 5_000;
  // One VM's guest is the only expected client; this caps sockets a noisy guest can hold.
  server.maxConnections = 64;
  server.on("clientError", answerClientError);
  return server;
}
