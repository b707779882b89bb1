import type { RunningFunction } from "./function-process.ts";

// The live heap of a function process, read through Node's inspector after a full collection:
// unlike resident memory it does not depend on how much of its grown heap V8 chose to keep.
// The process must run with NODE_OPTIONS=--inspect=127.0.0.1:0 (loopback, a port of its own).

/** Live JavaScript heap in MiB after a full garbage collection. */
export async function liveHeapMb(fn: RunningFunction): Promise<number> {
  const url = /Debugger listening on (ws:\/\/\S+)/.exec(fn.stderr())?.[1];
  if (!url)
    throw new Error(`the process has no inspector; start it with --inspect:\n${fn.stderr()}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let id = 0;
  const call = (method: string): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      id += 1;
      const mine = id;
      const onMessage = (event: MessageEvent): void => {
        const message = JSON.parse(String(event.data)) as {
          id?: number;
          result?: Record<string, unknown>;
        };
        if (message.id !== mine) return;
        socket.removeEventListener("message", onMessage);
        resolve(message.result ?? {});
      };
      socket.addEventListener("message", onMessage);
      socket.send(JSON.stringify({ id: mine, method }));
    });
  await call("HeapProfiler.collectGarbage");
  const usage = await call("Runtime.getHeapUsage");
  socket.close();
  return Number(usage["usedSize"]) / (1024 * 1024);
}
