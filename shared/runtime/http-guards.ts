import type { Duplex } from "node:stream";

// Transport guards every HTTP server of the project shares: node:http's own answers made JSON.

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
