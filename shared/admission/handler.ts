import type { HttpFunction, Response } from "@google-cloud/functions-framework";
import type { LogLevel, Logger } from "../runtime/log.ts";
import { jsonLogger } from "../runtime/log.ts";
import { sendError } from "../runtime/http-errors.ts";
import { envelope } from "../runtime/envelope.ts";
import type { LogLine } from "../runtime/envelope.ts";
import { sendJson } from "../runtime/send-json.ts";
import { admit } from "./admit.ts";
import type { Decision } from "./outcome.ts";
import type { Feature } from "./feature.ts";
import { toReviewResponse } from "./response.ts";
import { decodeReviewBody } from "./schema.ts";
import type { CoreSettings } from "./settings.ts";
import { settingsFromEnv } from "./settings.ts";
import type { AdmissionRequest, AdmissionReview } from "./types.ts";
import { liveReader } from "../kube/live-reader.ts";
import type { ClusterReader } from "../kube/reader.ts";
import { readerSettingsFromEnv } from "../kube/settings.ts";
import { EMPTY_CLUSTER } from "../kube/snapshot-reader.ts";
import type { MaybePromise } from "../runtime/maybe-promise.ts";

/** What the admission handler is made with; tests and the preview set them. */
export interface HandlerOptions {
  settings?: CoreSettings;
  log?: Logger;
  /** Defaults to the live cluster, for features that read it. */
  cluster?: ClusterReader;
}

/**
 * The HTTP side of a mutating feature, registered with the Functions Framework. GET answers
 * health without touching the cluster; POST takes an AdmissionReview; anything else is 405.
 */
export function admissionHandler(feature: Feature, options: HandlerOptions = {}): HttpFunction {
  const settings = options.settings ?? settingsFromEnv(feature.name);
  const log = options.log ?? jsonLogger();
  const live = options.cluster ? undefined : defaultCluster(feature, log);
  const cluster = options.cluster ?? live?.reader ?? EMPTY_CLUSTER;
  const context = { feature, settings, cluster };
  let warmSoon = live?.warmSoon;
  return envelope<AdmissionReview>({
    name: feature.name,
    methodHint: "use POST with an AdmissionReview",
    log,
    onRequest() {
      warmSoon?.();
      warmSoon = undefined;
    },
    body: {
      what: "the AdmissionReview",
      invalidCode: "invalid_review",
      decode: decodeReviewBody,
      refused(code, error) {
        if (code === "invalid_review")
          log("warn", "rejected request body", { feature: feature.name, error });
      },
    },
    post: (admitted, _req, res) => review(context, admitted, res),
  });
}

interface Context {
  feature: Feature;
  settings: CoreSettings;
  cluster: ClusterReader;
}

function defaultCluster(
  feature: Feature,
  log: Logger,
): { reader: ClusterReader; warmSoon: () => void } | undefined {
  if (feature.reads.length === 0) return undefined;
  const reader = liveReader({ feature: feature.name, settings: readerSettingsFromEnv(), log });
  // The reader connects (and, on a kubeconfig, loads client-node) 100 ms after the first request,
  // not during start-up nor at a fixed time after it: the review that woke the function is
  // answered first when it needs no cluster read (a timer from start-up could fire during a slow
  // start's first review), and one that does connects itself.
  return { reader, warmSoon: () => setTimeout(() => reader.warm(), 100).unref() };
}

// Not async: every promise costs under load once the framework has made a domain, and an
// `await` makes two. A decision at hand is answered in this step (see admit).
function review(
  { feature, settings, cluster }: Context,
  admitted: AdmissionReview,
  res: Response,
): MaybePromise<LogLine> {
  const answer = (decision: Decision): LogLine => {
    sendJson(res, 200, toReviewResponse(admitted, decision.answer));
    const fields = admissionFields(feature, admitted.request, decision);
    return { level: levelOf(decision), msg: "admission", fields };
  };
  const decision = admit(feature, admitted.request, settings, cluster);
  return decision instanceof Promise ? decision.then(answer) : answer(decision);
}

function levelOf(decision: Decision): LogLevel {
  return decision.result === "denied" || decision.result.startsWith("error") ? "warn" : "info";
}

// One object, no spreads: it is made for every review.
function admissionFields(
  feature: Feature,
  request: AdmissionRequest,
  decision: Decision,
): Record<string, unknown> {
  return {
    feature: feature.name,
    uid: request.uid,
    kind: request.kind.kind,
    operation: request.operation,
    namespace: request.namespace ?? "",
    name: request.name ?? request.object?.metadata?.name ?? "",
    dryRun: request.dryRun === true,
    result: decision.result,
    // Left out of the line when there is none (JSON omits undefined).
    reason: decision.reason || undefined,
    patchOps: decision.patchOps,
  };
}

export { sendError };
