import { http } from "@google-cloud/functions-framework";
import { describeError } from "../../shared/basics/errors.ts";
import { envelope } from "../../shared/runtime/envelope.ts";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { configFromEnv } from "./config.ts";
import { answerFor, FEATURE, startLabeller } from "./loop.ts";
import type { PublishState } from "./loop.ts";

const log = jsonLogger();

/**
 * A bad setting keeps the function up and answering 503 with the reason, rather than exiting:
 * the DaemonSet's pods then show not-ready with a readable cause instead of a crash loop.
 */
function start(): () => PublishState {
  try {
    const loop = startLabeller(configFromEnv(), log);
    return () => loop.state();
  } catch (error) {
    const message = describeError(FEATURE, error);
    log("error", message);
    const state: PublishState = {
      node: process.env["NODE_NAME"] || null,
      labels: null,
      publishedAt: null,
      lastError: message,
    };
    return () => state;
  }
}

const current = start();

http(
  FEATURE,
  envelope({
    name: FEATURE,
    methodHint: "only GET is served (the last publish result); labels are published on a timer",
    allow: "GET, HEAD",
    get(_req, res) {
      const { status, body } = answerFor(current());
      res.status(status).json(body);
      return undefined;
    },
  }),
);
