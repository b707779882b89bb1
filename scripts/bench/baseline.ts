// The yardstick for the admission benchmark: bare node:http that parses the review and answers
// an allowed response with the uid. No framework, no feature: what "as fast as Node goes" means here.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const review = JSON.parse(Buffer.concat(chunks).toString()) as {
      apiVersion: string;
      request: { uid: string };
    };
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        apiVersion: review.apiVersion,
        kind: "AdmissionReview",
        response: { uid: review.request.uid, allowed: true },
      }),
    );
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ msg: "serving", port: typeof address === "object" && address ? address.port : 0 })}\n`,
  );
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
