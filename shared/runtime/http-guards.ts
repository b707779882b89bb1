import type { Duplex } from "node:stream";

// Transport guards every HTTP server of the project shares: node:http's own answers made JSON,
// and a bound on how deep a JSON body may nest.

/**
 * The deepest JSON nesting a body may have. Kubernetes objects nest a few dozen levels; JSON.parse
 * takes a 10,000-level array, but JSON.stringify, structuredClone and the patch diff recurse and
 * overflow the stack from about 5,000 levels on Node 24 (measured), so bodies stop well before.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Whether a parsed JSON value nests deeper than `max` arrays or objects; walks it without
 * recursion, and keeps only arrays and objects on its stack (every review passes through here:
 * an entry per leaf was a tenth of the garbage a review made).
 */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (!isNested(value)) return false;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const depth = depths.pop() ?? 0;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? (node as unknown[]) : Object.values(node))
      if (isNested(child)) {
        nodes.push(child);
        depths.push(depth + 1);
      }
  }
  return false;
}

const isNested = (value: unknown): value is object => typeof value === "object" && value !== null;

/**
 * Answers what node:http rejects before a request exists (a malformed request line, oversized
 * headers, a client too slow to send its request) with the same JSON `{error, message}` as every
 * other refusal, and closes the connection; node:http's own answers have no body.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, reason] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "headers_too_large", "Request Header Fields Too Large"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "request_timeout", "Request Timeout"]
        : [400, "bad_request", "Bad Request"];
  const body = JSON.stringify({ error: code, message: reason.toLowerCase() });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
