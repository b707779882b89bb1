import type { Duplex } from "node:stream";

// Transport guards every HTTP server of the project shares: node:http's own answers made JSON,
// and a bound on how deep a JSON body may nest.

/**
 * The deepest JSON nesting a body may have. Kubernetes objects nest a few dozen levels; JSON.parse
 * takes a 10,000-level array, but JSON.stringify, structuredClone and the patch diff recurse and
 * overflow the stack thousands of levels deep, so bodies stop well before.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Whether a parsed JSON value nests deeper than `max` arrays or objects. It recurses, but never
 * more than `max` + 1 calls deep (keep `max` in the hundreds), and allocates nothing: every
 * review passes through here, and the walk with a stack of its own and Object.values was ~2.5x
 * slower on a launcher Pod.
 */
export function nestsDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  return isNested(value) && deeper(value, 1, max);
}

function deeper(node: object, depth: number, max: number): boolean {
  if (depth > max) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (isNested(child) && deeper(child, depth + 1, max)) return true;
    }
    return false;
  }
  // for-in: a parsed body's objects are plain, and their prototype has no enumerable keys.
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key];
    if (isNested(child) && deeper(child, depth + 1, max)) return true;
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
