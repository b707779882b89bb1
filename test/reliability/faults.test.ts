import { expect } from "chai";
import type { FakeKubeApi } from "../helpers/fake-kube-api.ts";
import type { Exchange, Running } from "./harness.ts";
import { lines, sampleExchange, startLine, usesCluster } from "./harness.ts";

// The local API server misbehaving on purpose, for every function that talks to the cluster: each
// answers within its deadline with the documented outcome, serves stale data only as documented
// (admission reads: a cached answer for up to CLUSTER_CACHE_MAX_STALE_MS after a failed refresh),
// and recovers by itself when the API does.

const DEADLINE_MS = 400;
const TTL_MS = 100;
const MAX_STALE_MS = 1_000;
const ENV = {
  CLUSTER_LOOKUP_DEADLINE_MS: String(DEADLINE_MS),
  CLUSTER_CACHE_TTL_MS: String(TTL_MS),
  CLUSTER_CACHE_MAX_STALE_MS: String(MAX_STALE_MS),
};

interface Fault {
  name: string;
  cause: RegExp;
  apply(api: FakeKubeApi): Promise<void> | void;
  clear(api: FakeKubeApi): Promise<void> | void;
}

const mode =
  (m: FakeKubeApi["mode"]) =>
  (api: FakeKubeApi): void => {
    api.mode = m;
  };
const ok = mode("ok");

export const FAULTS: readonly Fault[] = [
  { name: "refusing (403)", cause: /refused .*\(HTTP 403\)/, apply: mode("forbidden"), clear: ok },
  { name: "failing (500)", cause: /\(HTTP 500\)/, apply: mode("error"), clear: ok },
  {
    name: "resetting connections",
    cause: /could not reach the Kubernetes API .*\((ECONNRESET|UND_ERR_SOCKET)\)/,
    apply: mode("reset"),
    clear: ok,
  },
  {
    name: "answering garbage",
    cause: /could not read .* from the Kubernetes API/,
    apply: mode("garbage"),
    clear: ok,
  },
  {
    name: "hanging",
    cause: /took longer than the lookup deadline/,
    apply: mode("hang"),
    clear: ok,
  },
  {
    name: "slower than the deadline",
    cause: /took longer than the lookup deadline/,
    apply: (api) => void (api.delayMs = DEADLINE_MS * 3),
    clear: (api) => void (api.delayMs = 0),
  },
  { name: "down", cause: /ECONNREFUSED/, apply: (api) => api.down(), clear: (api) => api.up() },
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(
  running: Running,
  exchange: Exchange,
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = Date.now();
  const answer = await running.send(exchange);
  return { ...answer, ms: Date.now() - started };
}

/** Polls until the answer passes `check`, for up to `ms`. */
async function waitUntil(
  running: Running,
  exchange: Exchange,
  check: (s: number, b: unknown) => void,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await running.send(exchange);
    try {
      check(answer.status, answer.body);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

for (const { name, line, feature } of lines()) {
  if (!usesCluster(line, feature)) continue;
  describe(`${name} when the Kubernetes API misbehaves`, () => {
    let running: Running;
    let exchange: Exchange;
    // A function that publishes on a timer shows a change of the API's health one interval later.
    const settle = line.settleMs ?? 0;
    before(async () => {
      running = await startLine(name, ENV);
      exchange = await sampleExchange(running);
    });
    after(() => running.stop());

    it("should answer as usual when the API is slow but inside the deadline", async () => {
      running.api.delayMs = DEADLINE_MS / 4;
      await sleep(Math.max(TTL_MS, settle));
      await waitUntil(running, exchange, exchange.healthy, settle + 1000);
      running.api.delayMs = 0;
    });

    for (const fault of FAULTS) {
      it(`should answer within its deadline and recover by itself when the API is ${fault.name}`, async () => {
        await waitUntil(running, exchange, exchange.healthy, settle + 2000);
        await fault.apply(running.api);
        try {
          if (feature) {
            // A cached answer younger than the stale limit is served, and the log says so.
            await sleep(TTL_MS + 20);
            const stale = await timed(running, exchange);
            exchange.healthy(stale.status, stale.body);
            await running.fn.waitForLog(
              (l) => l["msg"] === "serving cached cluster data after a failed refresh",
            );
            await sleep(MAX_STALE_MS);
          } else {
            await sleep(settle);
          }
          const answer = await timed(running, exchange);
          expect(answer.ms).to.be.lessThan(DEADLINE_MS * 2 + 1000);
          exchange.faulty(answer.status, answer.body, fault.cause);
        } finally {
          await fault.clear(running.api);
        }
        await waitUntil(running, exchange, exchange.healthy, settle + 2000);
      });
    }
  });
}
