import { Agent, request } from "node:http";

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
}

/**
 * A closed-loop load generator: `connections` keep-alive connections each send the next request
 * as soon as the previous answer arrives, for `seconds`. Bounded in time and aimed at loopback.
 */
export async function load(
  url: string,
  body: string,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const started = performance.now();
      const ok = await post(url, body, agent);
      if (ok) latencies.push(performance.now() - started);
      else errors += 1;
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    requests: latencies.length,
    errors,
    seconds: round(elapsed),
    rps: Math.round(latencies.length / elapsed),
    p50ms: at(0.5),
    p99ms: at(0.99),
  };
}

function post(url: string, body: string, agent: Agent): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200));
      },
    );
    req.on("error", () => resolve(false));
    req.end(body);
  });
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
