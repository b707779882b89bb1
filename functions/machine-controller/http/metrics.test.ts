import { expect } from "chai";
import type * as PromClient from "prom-client";
import { hookMetrics } from "./metrics.ts";

const prom = (): Promise<typeof PromClient> => import("prom-client");

const count = (text: string, hook: string): number =>
  Number(
    new RegExp(
      `^machine_controller_hook_duration_seconds_count\\{hook="${hook}"\\} (\\d+)$`,
      "m",
    ).exec(text)?.[1] ?? 0,
  );

describe("machine-controller hookMetrics", () => {
  it("should not load the metrics library to record", () => {
    let loads = 0;
    const metrics = hookMetrics({
      load: () => {
        loads++;
        return prom();
      },
    });
    metrics.observe("sync", 0.001);
    metrics.error("sync", "TemplateNotFound");
    expect(loads).to.equal(0);
  });

  it("should count what was recorded before the library loaded, once", async () => {
    const metrics = hookMetrics({ load: prom });
    metrics.observe("sync", 0.001);
    metrics.observe("sync", 0.002);
    metrics.observe("customize", 0.001);
    metrics.error("sync", "TemplateNotFound");
    const first = await metrics.exposition();
    metrics.observe("sync", 0.003);
    const { contentType, text } = await metrics.exposition();
    expect(contentType).to.match(/^text\/plain; version=0\.0\.4/);
    expect(count(first.text, "sync")).to.equal(2);
    expect(count(text, "sync")).to.equal(3);
    expect(count(text, "customize")).to.equal(1);
    expect(text).to.match(
      /^machine_controller_hook_errors_total\{hook="sync",reason="TemplateNotFound"\} 1$/m,
    );
  });

  it("should load the library 100 ms after warmSoon, once however often it is asked", async () => {
    let loads = 0;
    const metrics = hookMetrics({
      load: () => {
        loads++;
        return prom();
      },
    });
    metrics.warmSoon();
    metrics.warmSoon();
    expect(loads).to.equal(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(loads).to.equal(1);
    await metrics.exposition();
    expect(loads).to.equal(1);
  });

  it("should load prom-client itself by default", async () => {
    const metrics = hookMetrics();
    metrics.observe("customize", 0.001);
    expect(count((await metrics.exposition()).text, "customize")).to.equal(1);
  });

  it("should report a background load that fails, and load again at the next scrape", async () => {
    const failures: unknown[] = [];
    let loads = 0;
    const metrics = hookMetrics({
      load: () => {
        loads++;
        return loads === 1 ? Promise.reject(new Error("no prom-client")) : prom();
      },
      onLoadError: (error) => failures.push(error),
    });
    metrics.observe("sync", 0.001);
    metrics.warmSoon();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(failures.map((e) => (e as Error).message)).to.deep.equal(["no prom-client"]);
    expect(count((await metrics.exposition()).text, "sync")).to.equal(1);
  });

  it("should keep at most maxWaiting records before the library loads", async () => {
    const metrics = hookMetrics({ load: prom, maxWaiting: 2 });
    for (let i = 0; i < 5; i++) metrics.observe("finalize", 0.001);
    expect(count((await metrics.exposition()).text, "finalize")).to.equal(2);
  });

  it("should reject a scrape when the library fails to load, and try again on the next", async () => {
    let loads = 0;
    const metrics = hookMetrics({
      load: () => {
        loads++;
        return loads === 1 ? Promise.reject(new Error("no prom-client")) : prom();
      },
    });
    metrics.observe("sync", 0.001);
    const failed = await metrics.exposition().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failed as Error).message).to.equal("no prom-client");
    expect(count((await metrics.exposition()).text, "sync")).to.equal(1);
    expect(loads).to.equal(2);
  });
});
