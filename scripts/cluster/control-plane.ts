// etcd and kube-apiserver on loopback, started the way envtest and kubeadm start them: TLS from
// the control plane's own CA, the RBAC authorizer, a ServiceAccount issuer with its signing key,
// and the API server's default admission plugins (webhooks and ValidatingAdmissionPolicy included).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { Api } from "./api.ts";
import type { Binaries } from "./binaries.ts";
import { createCa, issue, serviceAccountKeys } from "./pki.ts";
import { freePort, startProcess, waitUntil } from "./processes.ts";
import type { Running } from "./processes.ts";

export const SERVICE_CIDR = "10.0.0.0/24";

export interface ControlPlane {
  server: string;
  port: number;
  /** The cluster CA (what a pod finds in ca.crt) and the admin's kubeconfig. */
  ca: string;
  kubeconfig: string;
  kubeconfigPath: string;
  admin: Api;
  processes: Running[];
}

function kubeconfigFor(server: string, ca: string, cert: string, key: string): string {
  const b64 = (pem: string): string => Buffer.from(pem).toString("base64");
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "vm-feature-functions", cluster: { server, "certificate-authority-data": b64(ca) } },
    ],
    users: [
      {
        name: "admin",
        user: { "client-certificate-data": b64(cert), "client-key-data": b64(key) },
      },
    ],
    contexts: [
      { name: "vm-feature-functions", context: { cluster: "vm-feature-functions", user: "admin" } },
    ],
    "current-context": "vm-feature-functions",
  });
}

async function startEtcd(binaries: Binaries, dir: string): Promise<{ etcd: Running; url: string }> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const etcd = startProcess(
    "etcd",
    [
      binaries.etcd,
      "--name=default",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // A throwaway cluster: no fsync makes every write (and so `up`) several times faster.
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
    join(dir, "etcd.log"),
  );
  await waitUntil(etcd, async () => (await fetch(`${url}/health`)).ok);
  return { etcd, url };
}

interface Pki {
  ca: string;
  files: Record<"ca" | "cert" | "key" | "saKey" | "saPub", string>;
  admin: { cert: string; key: string };
}

async function writePki(dir: string): Promise<Pki> {
  const pki = join(dir, "pki");
  mkdirSync(pki, { recursive: true });
  const ca = await createCa("vm-feature-functions cluster CA");
  const serving = await issue(ca, {
    commonName: "kube-apiserver",
    names: [
      "localhost",
      "127.0.0.1",
      "kubernetes",
      "kubernetes.default",
      "kubernetes.default.svc",
      "10.0.0.1",
    ],
  });
  const admin = await issue(ca, { commonName: "admin", organization: "system:masters" });
  const sa = await serviceAccountKeys();
  const files = {
    ca: join(pki, "ca.crt"),
    cert: join(pki, "apiserver.crt"),
    key: join(pki, "apiserver.key"),
    saKey: join(pki, "sa.key"),
    saPub: join(pki, "sa.pub"),
  };
  for (const [file, content] of [
    [files.ca, ca.pem],
    [files.cert, serving.cert],
    [files.key, serving.key],
    [files.saKey, sa.privateKey],
    [files.saPub, sa.publicKey],
  ] as const) {
    writeFileSync(file, content, { mode: 0o600 });
  }
  return { ca: ca.pem, files, admin };
}

/** Starts etcd and kube-apiserver with their state under `dir`, and waits for /readyz. */
export async function startControlPlane(binaries: Binaries, dir: string): Promise<ControlPlane> {
  mkdirSync(dir, { recursive: true });
  const pki = await writePki(dir);
  const { etcd, url } = await startEtcd(binaries, dir);
  const port = await freePort();
  const apiserver = startProcess(
    "kube-apiserver",
    [
      binaries.kubeApiserver,
      `--etcd-servers=${url}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      `--tls-cert-file=${pki.files.cert}`,
      `--tls-private-key-file=${pki.files.key}`,
      `--client-ca-file=${pki.files.ca}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      "--authorization-mode=RBAC",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.files.saPub}`,
      `--service-account-signing-key-file=${pki.files.saKey}`,
      "--allow-privileged=true",
      // No Endpoints for the `kubernetes` Service: its address would be loopback, which is invalid.
      "--endpoint-reconciler-type=none",
      `--cert-dir=${join(dir, "pki")}`,
    ],
    join(dir, "kube-apiserver.log"),
  );
  const server = `https://127.0.0.1:${port}`;
  const admin = new Api({ server, ca: pki.ca, ...pki.admin });
  await waitUntil(
    apiserver,
    async () => (await admin.send("GET", "/readyz")).status === 200,
    60_000,
  );
  const kubeconfig = kubeconfigFor(server, pki.ca, pki.admin.cert, pki.admin.key);
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return {
    server,
    port,
    ca: pki.ca,
    kubeconfig,
    kubeconfigPath,
    admin,
    processes: [apiserver, etcd],
  };
}
