// The framework floor: a Functions Framework function with a canned answer (allowed, with the
// review's uid), served by the framework's own server (getServer, as its CLI builds it, here
// through getTestServer) on node:http. Every admission function carries at least this much:
// Express 5, the framework's body parsers and middleware, a domain per call.
import { http } from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";

http("framework-floor", (req, res) => {
  // A GET (the compile-cache priming's health check) has no body.
  const review = (req.body ?? {}) as { apiVersion?: string; request?: { uid?: string } };
  res.json({
    apiVersion: review.apiVersion,
    kind: "AdmissionReview",
    response: { uid: review.request?.uid, allowed: true },
  });
});
const server = getTestServer("framework-floor");
server.listen(Number(process.env["PORT"] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: "serving", port })}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
