import type { ServerResponse } from "node:http";

/**
 * Writes `body` as the JSON answer, straight on node:http: what Express's res.json adds (app
 * settings for spaces and escaping, none set here; charset and freshness checks) is most of the
 * cost of answering.
 *
 * The first answer of a turn of the event loop is written at once; any later one in the same turn
 * waits for the turn's end (setImmediate), and they go out together. Under concurrent reviews the
 * clients then send their next requests together too, and the function handles several in one
 * turn instead of one. The body is
 * serialized at once, so a value JSON cannot write still throws to the caller.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  if (waiting === undefined) {
    waiting = [];
    setImmediate(endOfTurn);
    write(res, status, text);
  } else {
    waiting.push({ res, status, text });
  }
}

interface Answer {
  res: ServerResponse;
  status: number;
  text: string;
}

// The answers held for the end of this turn; undefined until a turn has written one.
let waiting: Answer[] | undefined;

function endOfTurn(): void {
  const due = waiting ?? [];
  waiting = undefined;
  for (const { res, status, text } of due) write(res, status, text);
}

function write(res: ServerResponse, status: number, text: string): void {
  // One answer a response: a second (serve.ts's 500 for a function that answered and then threw)
  // is dropped, as is one for a client that has gone.
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
