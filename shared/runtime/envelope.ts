import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import type { Decoded } from "./decode.ts";
import { sendError } from "./http-errors.ts";
import type { MaybePromise } from "./maybe-promise.ts";
import { sendJson } from "./send-json.ts";

/** A JSON body a function takes by POST: how it is decoded, and what a refusal is called. */
export interface JsonBody<T> {
  /** What the client sends, in messages: `the AdmissionReview`, `the hook request`. */
  what: string;
  /** The `error` code of an undecodable body: `invalid_review`. */
  invalidCode: string;
  decode(body: unknown): Decoded<T>;
  /** Told of every refused body (log line, metrics) before the 400 goes out. */
  refused?(code: string, message: string, req: Request): void;
}

/**
 * What a function serves over HTTP, for the one envelope around it (`jsonEnvelope`): the function's
 * name heads every refusal; GET and HEAD answer health unless `get` says otherwise; a POST body,
 * when the function takes one, is checked for its content type and decoded before `post` sees it.
 */
export interface Endpoint<T> {
  name: string;
  /** The 405's advice after the name: `use POST with an AdmissionReview`. */
  methodHint: string;
  /** The 405's Allow header, when the function's docs promise one. */
  allow?: string;
  /** Run first on every request (a warm-up that must not delay start-up). */
  onRequest?(): void;
  get?(req: Request, res: Response): MaybePromise<void>;
  /** Refuses a POST before its body is read, e.g. a path that is no hook (answered by `refuse`). */
  route?(req: Request, res: Response): boolean;
  body?: JsonBody<T>;
  post?(value: T, req: Request, res: Response): MaybePromise<void>;
}

/** The health answer every function gives to GET: `{status: "ok", function}`. */
export function sendHealth(res: Response, name: string): void {
  sendJson(res, 200, { status: "ok", function: name });
}

/**
 * The HTTP envelope every Functions Framework handler shares, after controller-runtime's
 * ServeHTTP: health, method, content type and decode here, then the function's own answer; the
 * body's size and depth and the 500 naming the function for what it throws are serve.ts's, around
 * every handler. Not async: a body decoded and answered at hand makes no promise.
 */
export function jsonEnvelope<T>(endpoint: Endpoint<T>): HttpFunction {
  const { name, body, post } = endpoint;
  const onRequest = endpoint.onRequest ?? ((): void => undefined);
  const get = endpoint.get ?? ((_req: Request, res: Response): void => sendHealth(res, name));
  return (req: Request, res: Response): MaybePromise<void> => {
    onRequest();
    if (req.method === "GET" || req.method === "HEAD") return get(req, res);
    if (req.method !== "POST" || !body || !post) return refuseMethod(endpoint, res);
    if (endpoint.route?.(req, res) === false) return undefined;
    const decoded = decodeJson(body, req);
    if ("value" in decoded) return post(decoded.value, req, res);
    body.refused?.(decoded.code, decoded.error, req);
    return sendError(res, 400, decoded.code, `${name}: ${decoded.error}`);
  };
}

function refuseMethod<T>({ name, methodHint, allow }: Endpoint<T>, res: Response): void {
  if (allow) res.set("allow", allow);
  sendError(res, 405, "method_not_allowed", `${name}: ${methodHint}`);
}

function decodeJson<T>(
  body: JsonBody<T>,
  req: Request,
): { value: T } | { error: string; code: string } {
  if (!req.is("application/json"))
    return { code: "bad_content_type", error: `send ${body.what} as application/json` };
  const decoded = body.decode(req.body);
  return "error" in decoded ? { code: body.invalidCode, error: decoded.error } : decoded;
}
