import { connect } from "node:net";

// HTTP/1.1 by hand on a plain socket, for what fetch cannot send: slow, partial or broken requests.

export interface Raw {
  status: number;
  body: string;
  elapsedMs: number;
}

/** Writes `chunks` on a plain socket, `gapMs` apart, and reads until the server closes or answers. */
export function raw(url: string, chunks: readonly string[], gapMs = 0): Promise<Raw> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = "";
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(text), elapsedMs: Date.now() - started });
    };
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (complete(text)) done();
    });
    socket.on("close", done);
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "EPIPE" || error.code === "ECONNRESET" ? done() : reject(error),
    );
    let next = 0;
    const write = (): void => {
      if (next >= chunks.length || socket.destroyed) return;
      socket.write(chunks[next] ?? "");
      next += 1;
      timer = setTimeout(write, gapMs);
    };
    socket.on("connect", write);
  });
}

function parse(text: string): { status: number; body: string } {
  const split = text.indexOf("\r\n\r\n");
  const head = split < 0 ? text : text.slice(0, split);
  let body = split < 0 ? "" : text.slice(split + 4);
  if (/transfer-encoding: chunked/i.test(head)) body = dechunk(body);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body };
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const line = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.slice(0, line), 16);
    if (line < 0 || !(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 4 + size);
  }
}

// An answer is complete at its Content-Length, or at the last chunk.
function complete(text: string): boolean {
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, split))?.[1];
  if (length !== undefined) return Buffer.byteLength(text.slice(split + 4)) >= Number(length);
  return text.endsWith("0\r\n\r\n");
}

export function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): string {
  const all = { host: "127.0.0.1", "content-length": String(Buffer.byteLength(body)), ...headers };
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}
