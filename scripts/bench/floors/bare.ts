// The floor for the bench: bare node:http that parses an AdmissionReview and answers it allowed
// with its uid (POST), or answers a small JSON document (GET, the imds-server's floor). No
// framework, no feature: what "as fast as Node goes" means here.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    res.setHeader("content-type", "application/json");
    if (req.method !== "POST") {
      res.end(JSON.stringify({ status: "ok" }));
      return;
    }
    const review = JSON.parse(Buffer.concat(chunks).toString()) as {
      apiVersion: string;
      request: { uid: string };
    };
    res.end(
      JSON.stringify({
        apiVersion: review.apiVersion,
        kind: "AdmissionReview",
        response: { uid: review.request.uid, allowed: true },
      }),
    );
  });
});
server.listen(Number(process.env["PORT"] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: "serving", port })}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
