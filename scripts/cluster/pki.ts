// The control plane's certificates, made in memory (no openssl on the machine): one CA for the API
// server's serving certificate and the admin's client certificate, and the ServiceAccount key pair.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import type { webcrypto } from "node:crypto";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const YEAR_MS = 365 * 24 * 3600_000;

export interface Ca {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  pem: string;
}

export interface Issued {
  cert: string;
  key: string;
}

export interface Subject {
  commonName: string;
  /** Groups of a client certificate (O=), e.g. system:masters. */
  organization?: string;
  /** DNS names and IP addresses of a serving certificate. */
  names?: readonly string[];
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
}

async function privatePem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  return x509.PemConverter.encode(
    await crypto.subtle.exportKey("pkcs8", keys.privateKey),
    "PRIVATE KEY",
  );
}

function serial(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString("hex");
}

export async function createCa(commonName: string): Promise<Ca> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + YEAR_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  return { cert, keys, pem: cert.toString("pem") };
}

/** A certificate `ca` signs: a server's when `subject.names` is set, a client's otherwise. */
export async function issue(ca: Ca, subject: Subject): Promise<Issued> {
  const keys = await newKeys();
  const organization = subject.organization ? `, O=${subject.organization}` : "";
  const names = subject.names ?? [];
  const extensions: x509.Extension[] = [
    new x509.ExtendedKeyUsageExtension([
      names.length > 0 ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
    ]),
  ];
  if (names.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: /^[\d.]+$/.test(value) ? "ip" : "dns", value })),
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${subject.commonName}${organization}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + YEAR_MS),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return { cert: cert.toString("pem"), key: await privatePem(keys) };
}

/** The key pair the API server signs ServiceAccount tokens with (private) and checks them with. */
export async function serviceAccountKeys(): Promise<{ privateKey: string; publicKey: string }> {
  const keys = await newKeys();
  const spki = await crypto.subtle.exportKey("spki", keys.publicKey);
  return {
    privateKey: await privatePem(keys),
    publicKey: x509.PemConverter.encode(spki, "PUBLIC KEY"),
  };
}
