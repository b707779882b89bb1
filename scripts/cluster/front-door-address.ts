// Where the front door listens: port 443 (the port every shipped webhook entry names) of a
// loopback address of its own, so several control planes on one machine never share it.
import { createServer } from "node:net";

export const WEBHOOK_PORT = 443;

const NEEDS_ROOT =
  "the front door listens on port 443 of a loopback address (the port the shipped webhook entries name), " +
  "which needs root or `sudo sysctl net.ipv4.ip_unprivileged_port_start=443`";

function canListen(host: string, port: number): Promise<"free" | "in-use" | "denied"> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code === "EACCES" ? "denied" : "in-use"),
    );
    server.listen(port, host, () => server.close(() => resolve("free")));
  });
}

/** A 127.x.y.z address whose port 443 is free; throws one line when binding 443 is not allowed. */
export async function frontDoorAddress(random: () => number = Math.random): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const octet = (): number => 1 + Math.floor(random() * 254);
    const host = `127.${octet()}.${octet()}.${octet()}`;
    const state = await canListen(host, WEBHOOK_PORT);
    if (state === "denied") throw new Error(NEEDS_ROOT);
    if (state === "free") return host;
  }
  throw new Error(
    `port ${WEBHOOK_PORT} is in use on 20 loopback addresses tried: stop what listens there`,
  );
}
