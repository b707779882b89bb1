import type { ServerResponse } from "node:http";

/**
 * Writes `body` as the JSON answer, straight on node:http: what Express's res.json adds (app
 * settings for spaces and escaping, none set here; charset and freshness checks) is most of the
 * cost of answering, ~5 % of a review's CPU under load (npm run bench:profile).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
