import { describeError } from "../../shared/basics/errors.ts";
import type { OwnedObjects } from "../../shared/kube/api-writes.ts";
import { connectOwned } from "../../shared/kube/api-writes.ts";
import type { Logger } from "../../shared/runtime/log.ts";
import type { LabellerConfig } from "./config.ts";
import { readHostFacts } from "./host.ts";
import { annotationsFor, labelsFor } from "./labels.ts";
import { readPciInventory } from "./pci.ts";
import { publishNode } from "./publish.ts";
import type { PublishResult } from "./publish.ts";

export const FEATURE = "cpu-labeller";

/** What the GET answers: the labels last written and whether the latest attempt failed. */
export interface PublishState {
  node: string | null;
  labels: Record<string, string> | null;
  publishedAt: string | null;
  lastError: string | null;
}

export interface LoopOptions {
  node: string;
  intervalMs: number;
  publishOnce: () => Promise<PublishResult>;
  log: Logger;
}

export interface LabellerLoop {
  state(): PublishState;
  /** Resolves with the state once the attempt under way, or else the next one, has finished. */
  next(): Promise<PublishState>;
  stop(): void;
}

/**
 * Publishes now and then every interval, counted from the end of each attempt so that a slow API
 * never stacks attempts. A failure is logged and kept for the probe, and the next tick retries:
 * an API outage must not restart every labeller in the cluster at once.
 */
export function startLoop(options: LoopOptions): LabellerLoop {
  const { node, intervalMs, publishOnce, log } = options;
  let state: PublishState = { node, labels: null, publishedAt: null, lastError: null };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let waiters: ((state: PublishState) => void)[] = [];

  const attempt = async (): Promise<void> => {
    state = await attemptOnce(state, publishOnce, log);
    const settled = waiters;
    waiters = [];
    for (const resolve of settled) resolve(state);
    // The HTTP server keeps the process alive; the timer alone must not.
    if (!stopped) timer = setTimeout(() => void attempt(), intervalMs).unref();
  };
  void attempt();
  return {
    state: () => state,
    next: () => new Promise((resolve) => waiters.push(resolve)),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

async function attemptOnce(
  previous: PublishState,
  publishOnce: () => Promise<PublishResult>,
  log: Logger,
): Promise<PublishState> {
  try {
    const result = await publishOnce();
    // An unchanged node is the steady state on every node every interval: not worth an info line.
    log(
      result.changed ? "info" : "debug",
      result.changed ? "labels published" : "labels unchanged",
      {
        node: previous.node,
        labels: result.labels,
      },
    );
    return {
      ...previous,
      labels: result.labels,
      publishedAt: new Date().toISOString(),
      lastError: null,
    };
  } catch (error) {
    const message = describeError(FEATURE, error);
    log("error", message, { node: previous.node });
    return { ...previous, lastError: message };
  }
}

/**
 * The loop for this node: host facts to labels, the PCI inventory to its annotation, both to the
 * API in one patch, with one client for its lifetime.
 */
export function startLabeller(config: LabellerConfig, log: Logger): LabellerLoop {
  let client: OwnedObjects | undefined;
  const publishOnce = async (): Promise<PublishResult> => {
    const labels = labelsFor(await readHostFacts(config));
    const annotations = annotationsFor(await readPciInventory(config.sysRoot));
    client ??= await connectOwned();
    return publishNode(client, config.node, { labels, annotations }, config.deadlineMs);
  };
  return startLoop({ node: config.node, intervalMs: config.intervalMs, publishOnce, log });
}

/** 200 only while the labels on the node are known to be current, so probes can rely on it. */
export function answerFor(state: PublishState): { status: number; body: PublishState } {
  const current = state.publishedAt !== null && state.lastError === null;
  return { status: current ? 200 : 503, body: state };
}
