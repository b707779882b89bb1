import { http } from "@google-cloud/functions-framework";
import type { HttpFunction } from "@google-cloud/functions-framework";
import { getFunction, getTestServer } from "@google-cloud/functions-framework/testing";
import type { Domain } from "node:domain";
import type { Express, NextFunction, Request, Response } from "express";
import { createServer } from "node:http";
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { parseMs } from "../basics/env.ts";
import { internalError } from "./envelope.ts";
import { sendError } from "./http-errors.ts";
import { sendJson } from "./send-json.ts";
import { answerClientError, MAX_JSON_DEPTH, nestsDeeperThan } from "./http-guards.ts";

/** Admission bodies carry an object and its old version; etcd caps each near 1.5 MiB. */
export const MAX_BODY_BYTES = 7 * 1024 * 1024;

/** What the server is started with: its port, limits and logger. */
export interface ServeOptions {
  target: string;
  port: number;
  host?: string;
  env?: Record<string, string | undefined>;
}

/** How long a client may take: `HTTP_HEADERS_TIMEOUT_MS` for its headers, `HTTP_REQUEST_TIMEOUT_MS` for all of it. */
export function transportTimeouts(env: Record<string, string | undefined> = process.env): {
  headersMs: number;
  requestMs: number;
} {
  return {
    headersMs: parseMs("HTTP_HEADERS_TIMEOUT_MS", env["HTTP_HEADERS_TIMEOUT_MS"], 10_000),
    requestMs: parseMs("HTTP_REQUEST_TIMEOUT_MS", env["HTTP_REQUEST_TIMEOUT_MS"], 30_000),
  };
}

/**
 * Serves a function registered with the Functions Framework, on the framework's own Express app,
 * behind the transport limits the framework's CLI leaves out: it answers malformed JSON with an
 * HTML page, buffers bodies up to 1 GiB and turns request timeouts off. Here bad bodies get a JSON
 * 400, oversized ones a 400 before they are read (every unusable body is a 400, with its own error
 * code, a body nested deeper than MAX_JSON_DEPTH included), and slow clients a JSON 408 once
 * their time is up, as node:http's other refusals are JSON too.
 */
export async function serve(options: ServeOptions): Promise<Server> {
  const app = frameworkApp(options.target);
  app.use(jsonErrors);
  const { headersMs, requestMs } = transportTimeouts(options.env);
  const server = createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      // How often node:http looks for expired requests; at its default of 30 s a slow client
      // held a socket for up to a minute past the timeouts above.
      connectionsCheckingInterval: Math.min(1_000, headersMs),
    },
    limitBody(app),
  );
  server.keepAliveTimeout = 30_000;
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}

// The function runs behind a guard registered under its own name: the framework parses the body
// before any code of ours sees it, and only then can its depth be bounded.
function frameworkApp(target: string): Express {
  const fn = getFunction(target) as HttpFunction | undefined;
  if (!fn) return listenerOf(target);
  const guarded = `${target}-guarded`;
  http(guarded, (req, res) => {
    // The framework runs each call in a domain of its own; every promise and timer made inside one
    // is paired with it through async hooks, at several times the cost of one made outside.
    // The function leaves it: a rejected promise it returns still reaches
    // the framework's handler, and what it throws is answered here.
    (process as { domain?: Domain }).domain?.exit();
    try {
      if (!nestsDeeperThan(req.body)) return fn(req, res);
      sendError(res, 400, "body_too_deep", `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
    } catch (error) {
      if (res.headersSent) return res.end();
      sendJson(res, 500, internalError(target, error));
    }
    return undefined;
  });
  return listenerOf(guarded);
}

function listenerOf(target: string): Express {
  const [listener] = getTestServer(target).listeners("request");
  return listener as Express;
}

function limitBody(app: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const chunked =
      req.headers["content-length"] === undefined && req.headers["transfer-encoding"] !== undefined;
    if (chunked)
      return rawError(res, 400, "length_required", "send the body with a Content-Length header");
    if (declared > MAX_BODY_BYTES) {
      return rawError(res, 400, "body_too_large", `the body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    app(req, res);
  };
}

function rawError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: code, message });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
}

// Express recognises error middleware by its four parameters.
function jsonErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err);
  const status = httpStatus(err);
  const message = status === 400 ? "the body is not valid JSON" : "the request could not be read";
  sendError(res, status, status === 400 ? "malformed_body" : "bad_request", message);
}

function httpStatus(err: unknown): number {
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : 500;
}

/** Stops taking connections on SIGTERM and lets in-flight reviews finish (Knative drains first). */
export function closeOnSignal(server: Server, graceMs = 10_000): void {
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), graceMs).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
