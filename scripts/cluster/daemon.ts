// The background process `npm run cluster -- up` leaves running: it owns the cluster's processes
// (and the front door's DNS and ingress stand-ins, which live in it) until SIGTERM.
import { writeFileSync } from "node:fs";
import { startCluster } from "./cluster.ts";
import { FAILED_FILE, STATE_DIR, writeState } from "./state.ts";

try {
  const cluster = await startCluster(STATE_DIR);
  writeState({
    daemon: process.pid,
    pids: cluster.pids(),
    server: cluster.plane.server,
    kubeconfig: cluster.plane.kubeconfigPath,
    kubectl: cluster.binaries.kubectl,
    frontDoor: `https://${cluster.frontDoor.host}:${cluster.frontDoor.port}`,
    functions: Object.keys(cluster.functions),
    kubernetesVersion: cluster.binaries.kubernetesVersion,
    etcdVersion: cluster.binaries.etcdVersion,
  });
  const shutdown = (): void => void cluster.stop().then(() => process.exit(0));
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
} catch (error) {
  writeFileSync(FAILED_FILE, `${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
