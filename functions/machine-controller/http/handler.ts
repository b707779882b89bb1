import type { HttpFunction, Request, Response } from "@google-cloud/functions-framework";
import { sendError } from "../../../shared/runtime/http-errors.ts";
import { envelope, sendHealth } from "../../../shared/runtime/envelope.ts";
import type { LogLine } from "../../../shared/runtime/envelope.ts";
import { sendJson } from "../../../shared/runtime/send-json.ts";
import type { Logger } from "../../../shared/runtime/log.ts";
import { jsonLogger } from "../../../shared/runtime/log.ts";
import { FUNCTION } from "../api.ts";
import { customize } from "../hooks/customize.ts";
import { finalize } from "../hooks/finalize.ts";
import { decodeHookRequest } from "./hook-request.ts";
import type { Hook, HookMetrics } from "./metrics.ts";
import { hookMetrics } from "./metrics.ts";
import type { HookRequest } from "../hooks/observed.ts";
import { sync } from "../hooks/sync.ts";
import { monotonicMs } from "../../../shared/runtime/clock.ts";

export interface HandlerOptions {
  log?: Logger;
  /** The clock for lastUpdated and lastTransitionTime; the only input besides the request. */
  now?: () => Date;
  metrics?: HookMetrics;
}

interface Answer {
  body: { status?: { phase?: string; conditions?: { reason: string }[] } } & object;
  fields: Record<string, unknown>;
}

const HOOKS: Record<string, Hook> = {
  "/customize": "customize",
  "/sync": "sync",
  "/finalize": "finalize",
};

function answer(hook: Hook, request: HookRequest, now: Date): Answer {
  if (hook === "customize") {
    const body = customize(request.parent);
    return { body, fields: { rules: body.relatedResources.length } };
  }
  const body = hook === "sync" ? sync(request, now) : finalize(request, now);
  const fields = {
    phase: body.status.phase,
    reason: body.status.conditions[0]?.reason,
    children: body.children.length,
    ...("finalized" in body ? { finalized: body.finalized } : {}),
  };
  return { body, fields };
}

/**
 * Metacontroller's hooks over HTTP, one path each: POST /customize, /sync, /finalize. GET /metrics
 * is Prometheus text; any other GET is health and touches nothing. Bad requests get a JSON 400
 * (Metacontroller retries, and changes no child, on anything but 200).
 */
export function machineControllerHandler(options: HandlerOptions = {}): HttpFunction {
  const log = options.log ?? jsonLogger();
  const now = options.now ?? ((): Date => new Date());
  const metrics =
    options.metrics ??
    hookMetrics({
      onLoadError: (error) =>
        log("warn", "metrics library could not be loaded; /metrics answers 500 until it is", {
          function: FUNCTION,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
  const context = { log, now, metrics };
  return envelope<HookRequest>({
    name: FUNCTION,
    methodHint: "use POST /customize, /sync or /finalize",
    log,
    onRequest: () => metrics.warmSoon(),
    get: (req, res) =>
      req.path === "/metrics" ? sendMetrics(metrics, res) : sendHealth(res, FUNCTION),
    route(req, res) {
      if (HOOKS[req.path]) return true;
      sendError(
        res,
        404,
        "unknown_hook",
        `${FUNCTION}: ${req.path} is not a hook; use /customize, /sync or /finalize`,
      );
      return false;
    },
    body: {
      what: "the hook request",
      invalidCode: "invalid_hook_request",
      decode(body) {
        const decoded = decodeHookRequest(body);
        return "error" in decoded ? decoded : { value: decoded.request };
      },
      refused(code, message, req) {
        const hook = hookOf(req);
        metrics.error(hook, "invalid_request");
        log("warn", "rejected hook request", { function: FUNCTION, hook, error: code, message });
      },
    },
    post: (request, req, res) => run({ ...context, hook: hookOf(req) }, request, res),
  });
}

// Only called once `route` let the path through.
const hookOf = (req: Request): Hook => HOOKS[req.path] ?? "sync";

async function sendMetrics(metrics: HookMetrics, res: Response): Promise<undefined> {
  try {
    const { contentType, text } = await metrics.exposition();
    res.status(200).type(contentType).send(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    sendError(res, 500, "metrics_unavailable", `${FUNCTION}: /metrics: ${reason}`);
  }
  return undefined;
}

interface Context {
  hook: Hook;
  log: Logger;
  now: () => Date;
  metrics: HookMetrics;
}

function run(
  { hook, log, now, metrics }: Context,
  request: HookRequest,
  res: Response,
): LogLine | undefined {
  const started = monotonicMs();
  const { metadata } = request.parent;
  const who = {
    namespace: metadata?.namespace ?? "",
    name: metadata?.name ?? "",
    generation: metadata?.["generation"],
  };
  try {
    const { body, fields } = answer(hook, request, now());
    const seconds = (monotonicMs() - started) / 1000;
    metrics.observe(hook, seconds);
    const failed = fields["phase"] === "Failed";
    if (failed) metrics.error(hook, String(fields["reason"]));
    sendJson(res, 200, body);
    const line = { function: FUNCTION, hook, ...who, ...fields };
    return { level: failed ? "warn" : "info", msg: "hook", fields: line };
  } catch (error) {
    metrics.error(hook, "internal");
    const message = error instanceof Error ? error.message : String(error);
    log("error", "hook failed", { function: FUNCTION, hook, ...who, error: message });
    sendError(
      res,
      500,
      "internal",
      `${FUNCTION}: internal error: ${message}. Fix: report this with the Machine that caused it`,
    );
    return undefined;
  }
}
