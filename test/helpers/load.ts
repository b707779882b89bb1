import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

// A bounded load generator for loopback tests: a fixed number of requests over a fixed number of
// kept-alive connections, every answer kept for checking. It stops by itself.

export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadAnswer {
  /** Which of the requests was sent (they are sent in turn). */
  index: number;
  status: number;
  body: string;
}

export interface LoadResult {
  answers: LoadAnswer[];
  /** Network failures, with their codes. */
  errors: string[];
  seconds: number;
}

export async function runLoad(
  url: string,
  requests: readonly LoadRequest[],
  count: number,
  connections: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const answers: LoadAnswer[] = [];
  const errors: string[] = [];
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < count) {
      const index = sent % requests.length;
      sent += 1;
      const outcome = await send(url, requests[index] as LoadRequest, agent);
      if (typeof outcome === "string") errors.push(outcome);
      else answers.push({ index, ...outcome });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  return { answers, errors, seconds: (performance.now() - started) / 1000 };
}

function send(
  url: string,
  r: LoadRequest,
  agent: Agent,
): Promise<{ status: number; body: string } | string> {
  return new Promise((resolve) => {
    const body = r.body ?? "";
    const headers = { ...r.headers, "content-length": String(Buffer.byteLength(body)) };
    const req = request(`${url}${r.path}`, { method: r.method, agent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(body);
  });
}

/** A process's resident memory in MiB, from /proc (Linux). */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
