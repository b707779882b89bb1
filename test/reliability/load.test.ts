import { expect } from "chai";
import fc from "fast-check";
import { liveHeapMb } from "../helpers/heap.ts";
import { residentMb, runLoad } from "../helpers/load.ts";
import type { LoadResult } from "../helpers/load.ts";
import { objectsFor } from "./admission-checks.ts";
import type { Exchange, Running } from "./harness.ts";
import { lines, sampleExchange, startLine } from "./harness.ts";
import { raw, request } from "./raw-http.ts";

// A bounded load per function on loopback, and SIGTERM under load.

/** `LOAD_REQUESTS` changes the count; the default keeps the whole suite within minutes on 2 cores. */
export const REQUESTS = Number(process.env["LOAD_REQUESTS"] ?? 20_000);
export const CONNECTIONS = 16;
/** Compiles the hot paths and fills the caches before the heap is measured. */
const WARMUP = 3_000;
const SAMPLE_EVERY = 50;

/** The sample and, for a feature, seven generated objects, each with its answer worked out in-process. */
async function exchangesFor(running: Running): Promise<Exchange[]> {
  const { feature, line } = running;
  if (!feature || !line.admission) return [await sampleExchange(running)];
  const objects = fc.sample(objectsFor(feature, line.admission), { numRuns: 7, seed: 13 });
  return Promise.all([undefined, ...objects].map((object) => sampleExchange(running, object)));
}

function checkAll(result: LoadResult, exchanges: readonly Exchange[]): void {
  expect(result.errors).to.deep.equal([]);
  expect(result.answers.filter((a) => a.status !== 200).slice(0, 3)).to.deep.equal([]);
  result.answers.forEach((answer, i) => {
    const body = JSON.parse(answer.body) as unknown;
    if (i % SAMPLE_EVERY === 0) exchanges[answer.index]?.healthy(answer.status, body);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const { name } of lines()) {
  describe(`${name} under load`, () => {
    let running: Running;
    let exchanges: Exchange[];
    beforeEach(async function () {
      this.timeout(30_000);
      // The inspector on a loopback port of its own, to read the live heap (test/helpers/heap.ts).
      running = await startLine(name, { NODE_OPTIONS: "--inspect=127.0.0.1:0" });
      exchanges = await exchangesFor(running);
    });
    afterEach(() => running.stop());

    it(`should answer ${REQUESTS} requests at ${CONNECTIONS} connections without an error or a wrong answer, and give the memory back`, async () => {
      const pid = running.fn.child.pid ?? 0;
      checkAll(await runLoad(running.fn.url, exchanges, WARMUP, CONNECTIONS), exchanges);
      const [heapBefore, rssBefore] = [await liveHeapMb(running.fn), residentMb(pid)];
      const result = await runLoad(running.fn.url, exchanges, REQUESTS, CONNECTIONS);
      expect(result.answers).to.have.length(REQUESTS);
      checkAll(result, exchanges);
      const [heapAfter, rssAfter] = [await liveHeapMb(running.fn), residentMb(pid)];
      process.stdout.write(
        `      ${name}: ${REQUESTS} requests in ${result.seconds.toFixed(1)} s; live heap ` +
          `${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MiB, RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MiB\n`,
      );
      // After a full collection the live heap is back where it was: nothing is kept per request.
      // (Resident memory is reported, not judged: V8 keeps some of the heap it grew, by its own
      // heuristics.) A leak of 1 kB a request would show as 20 MiB here.
      expect(heapAfter, "live heap after the load, MiB").to.be.lessThan(heapBefore + 5);
    }).timeout(180_000);

    it("should answer the reviews in flight at SIGTERM under load, then exit 0", async () => {
      // In flight: the server has the headers and all but the last byte of each review.
      const inFlight = exchanges
        .filter((e) => e.body !== undefined)
        .slice(0, 4)
        .map((e) => {
          const whole = request(e.method, e.path, e.headers, e.body);
          return {
            exchange: e,
            answer: raw(running.fn.url, [whole.slice(0, -1), whole.slice(-1)], 600),
          };
        });
      await sleep(100);
      const load = runLoad(running.fn.url, exchanges, 4_000, CONNECTIONS);
      const exited = new Promise<number | null>((resolve) =>
        running.fn.child.once("exit", resolve),
      );
      await sleep(150);
      running.fn.child.kill("SIGTERM");
      for (const { exchange, answer } of inFlight) {
        const got = await answer;
        exchange.healthy(got.status, JSON.parse(got.body));
      }
      expect(await exited).to.equal(0);
      const result = await load;
      // Requests sent after the server closed are refused; every answer that came is right.
      for (const error of result.errors)
        expect(error).to.be.oneOf(["ECONNREFUSED", "ECONNRESET", "socket hang up"]);
      result.answers.forEach((a) => expect(a.status).to.equal(200));
      checkAll({ ...result, errors: [] }, exchanges);
    });
  });
}
