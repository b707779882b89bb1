import type { Request, Response } from "@google-cloud/functions-framework";
import type { IncomingMessage, ServerResponse } from "node:http";
import { monotonicMs } from "./clock.ts";
import type { Decoded } from "./decode.ts";
import type { LogLevel, Logger } from "./log.ts";
import type { MaybePromise } from "./maybe-promise.ts";
import { sendJson } from "./send-json.ts";

/** An answer the envelope writes: its status, body (a string is plain text) and extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The one log line of a request, given by the function; the envelope adds `durationMs`. */
export interface LogLine {
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown>;
}

/** What a function's own answer returns: the request's log line, or none. */
export type Answered = MaybePromise<LogLine | undefined>;

/** A JSON body a function takes by POST: how it is decoded, and what a refusal is called. */
export interface JsonBody<T, Req extends IncomingMessage = Request> {
  /** What the client sends, in messages: `the AdmissionReview`, `the hook request`. */
  what: string;
  /** The `error` code of an undecodable body: `invalid_review`. */
  invalidCode: string;
  decode(body: unknown): Decoded<T>;
  /** Told of every refused body (log line, metrics) before the 400 goes out. */
  refused?(code: string, message: string, req: Req): void;
}

/**
 * What a server answers over HTTP, for the one envelope around it (`envelope`): the function's
 * name heads every refusal; GET and HEAD answer health unless `get` says otherwise; a POST body,
 * when the function takes one, is checked for its content type and decoded before `post` sees it;
 * a function that takes none refuses a request that carries one.
 */
export interface Endpoint<
  T,
  Req extends IncomingMessage = Request,
  Res extends ServerResponse = Response,
> {
  name: string;
  /** The 405's advice after the name: `use POST with an AdmissionReview`. */
  methodHint: string;
  /** The 405's Allow header, when the function's docs promise one. */
  allow?: string;
  /** Where the request's one log line goes; none, no line. */
  log?: Logger;
  /** Run first on every request (a warm-up that must not delay start-up). */
  onRequest?(): void;
  /** An answer before the method is looked at (a rate limit, an unknown path); undefined passes. */
  screen?(req: Req): Reply | undefined;
  get?(req: Req, res: Res): Answered;
  /** Refuses a POST before its body is read, e.g. a path that is no hook (answered by `refuse`). */
  route?(req: Req, res: Res): boolean;
  body?: JsonBody<T, Req>;
  post?(value: T, req: Req, res: Res): Answered;
  /** Writes the envelope's own answers; JSON by `sendJson` unless the server has its own format. */
  send?(res: Res, reply: Reply): void;
  /** The 500's body where the reason must not reach the client; else it names the function. */
  internal?: { error: string; message: string };
}

/** The health answer every function gives to GET: `{status: "ok", function}`. */
export function sendHealth(res: ServerResponse, name: string): undefined {
  sendJson(res, 200, { status: "ok", function: name });
  return undefined;
}

/** The refusal of a method the server does not serve at that path, with its Allow header. */
export function methodNotAllowed(message: string, allow?: string): Reply {
  const body = { error: "method_not_allowed", message };
  return allow ? { status: 405, body, headers: { allow } } : { status: 405, body };
}

/** The 500's body for what a function throws: its name and the error's message, never a stack. */
export function internalError(name: string, error: unknown): { error: string; message: string } {
  const reason = error instanceof Error ? error.message : String(error);
  return { error: "internal", message: `${name}: the function failed: ${reason}` };
}

/**
 * The HTTP envelope every handler shares, after controller-runtime's ServeHTTP: screen, method,
 * body (content type and decode, or none allowed), then the function's own answer, timed into its
 * one log line; what it throws or rejects with is a 500 naming it. The transport limits (size,
 * depth, time) are serve.ts's, before a body is read. Not async: a body decoded and answered at
 * hand makes no promise.
 */
export function envelope<
  T,
  Req extends IncomingMessage = Request,
  Res extends ServerResponse = Response,
>(endpoint: Endpoint<T, Req, Res>): (req: Req, res: Res) => MaybePromise<void> {
  const { name, log } = endpoint;
  const served: Served<T, Req, Res> = {
    ...endpoint,
    send: endpoint.send ?? sendReply,
    get: endpoint.get ?? ((_req: Req, res: Res): undefined => sendHealth(res, name)),
  };
  const failed = (res: Res, error: unknown): void => {
    log?.("error", "request failed", {
      function: name,
      event: "internal_error",
      error: String(error),
    });
    served.send(res, { status: 500, body: endpoint.internal ?? internalError(name, error) });
  };
  return (req: Req, res: Res): MaybePromise<void> => {
    const started = monotonicMs();
    try {
      const answered = dispatch(served, req, res);
      if (!(answered instanceof Promise)) return record(log, answered, started);
      return answered.then(
        (line) => record(log, line, started),
        (error: unknown) => failed(res, error),
      );
    } catch (error) {
      return failed(res, error);
    }
  };
}

type Served<T, Req extends IncomingMessage, Res extends ServerResponse> = Endpoint<T, Req, Res> &
  Required<Pick<Endpoint<T, Req, Res>, "get" | "send">>;

// The line's own fields get the duration, no copy: a line is written for every review.
function record(log: Logger | undefined, line: LogLine | undefined, started: number): undefined {
  if (!line || !log) return undefined;
  line.fields["durationMs"] = Math.round((monotonicMs() - started) * 100) / 100;
  log(line.level, line.msg, line.fields);
  return undefined;
}

function dispatch<T, Req extends IncomingMessage, Res extends ServerResponse>(
  served: Served<T, Req, Res>,
  req: Req,
  res: Res,
): Answered {
  served.onRequest?.();
  const refusal = served.screen?.(req) ?? methodRefusal(served, req) ?? bodyRefusal(served, req);
  if (refusal) {
    served.send(res, refusal);
    return undefined;
  }
  if (req.method !== "POST") return served.get(req, res);
  return served.route?.(req, res) === false ? undefined : decodeAndPost(served, req, res);
}

function methodRefusal<T, Req extends IncomingMessage, Res extends ServerResponse>(
  { name, methodHint, allow, body, post }: Endpoint<T, Req, Res>,
  req: Req,
): Reply | undefined {
  const method = req.method;
  if (method === "GET" || method === "HEAD" || (method === "POST" && body && post))
    return undefined;
  return methodNotAllowed(`${name}: ${methodHint}`, allow);
}

const NO_BODY: Reply = {
  status: 413,
  body: { error: "body_not_allowed", message: "requests to this server carry no body" },
  // A client that sent a body we did not read would desynchronise a kept-alive connection.
  headers: { connection: "close" },
};

// A function that takes no body refuses one; one that takes a body has it bounded by serve.ts.
function bodyRefusal<T, Req extends IncomingMessage, Res extends ServerResponse>(
  endpoint: Endpoint<T, Req, Res>,
  req: Req,
): Reply | undefined {
  if (endpoint.body) return undefined;
  const length = req.headers["content-length"];
  const carries =
    (length !== undefined && length !== "0") || req.headers["transfer-encoding"] !== undefined;
  return carries ? NO_BODY : undefined;
}

function decodeAndPost<T, Req extends IncomingMessage, Res extends ServerResponse>(
  endpoint: Served<T, Req, Res>,
  req: Req,
  res: Res,
): Answered {
  const body = endpoint.body as JsonBody<T, Req>;
  const decoded = isJson(req)
    ? decodeBody(body, (req as { body?: unknown }).body)
    : { code: "bad_content_type", error: `send ${body.what} as application/json` };
  if ("value" in decoded)
    return (endpoint.post as NonNullable<typeof endpoint.post>)(decoded.value, req, res);
  body.refused?.(decoded.code, decoded.error, req);
  const message = `${endpoint.name}: ${decoded.error}`;
  endpoint.send(res, { status: 400, body: { error: decoded.code, message } });
  return undefined;
}

function decodeBody<T, Req extends IncomingMessage>(
  body: JsonBody<T, Req>,
  value: unknown,
): { value: T } | { error: string; code: string } {
  const decoded = body.decode(value);
  return "error" in decoded ? { code: body.invalidCode, error: decoded.error } : decoded;
}

// What Express's req.is("application/json") answers: a request with a body, of that media type
// whatever its parameters.
function isJson(req: IncomingMessage): boolean {
  const { headers } = req;
  if (headers["transfer-encoding"] === undefined && headers["content-length"] === undefined)
    return false;
  const type = headers["content-type"];
  if (type === undefined) return false;
  const end = type.indexOf(";");
  return (end < 0 ? type : type.slice(0, end)).trim().toLowerCase() === "application/json";
}

function sendReply(res: ServerResponse, { status, body, headers }: Reply): void {
  if (headers) for (const key in headers) res.setHeader(key, headers[key] as string);
  sendJson(res, status, body);
}
