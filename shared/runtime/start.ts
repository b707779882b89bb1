import { closeOnSignal, serve } from "./serve.ts";

/**
 * Serves the function registered as `target` on `port` and says so on stdout (the line the
 * platform's logs, the tests and the bench wait for). In the image it comes in the function's own
 * bundle, with the function and the Functions Framework: one framework per process.
 */
export async function start(target: string, port: number): Promise<void> {
  const server = await serve({ target, port });
  closeOnSignal(server);
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  process.stdout.write(
    `${JSON.stringify({ level: "info", msg: "serving", function: target, port: bound })}\n`,
  );
}
