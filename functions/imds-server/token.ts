import { open } from "node:fs/promises";

/** A projected ServiceAccount token is ~1 kB; anything far larger is not one. */
export const MAX_TOKEN_BYTES = 64 * 1024;

export interface TokenReply {
  token: string;
  expirationTimestamp?: string;
}

export class TokenUnavailable extends Error {}

/**
 * Reads the token on every call: the kubelet rotates the projected file (an atomic swap of the
 * volume's `..data` link) well before expiry, and a cached copy would hand out an expired token.
 */
export async function readToken(path: string): Promise<TokenReply> {
  const token = (await readBounded(path)).trim();
  if (token === "") throw new TokenUnavailable(`the token file ${path} is empty`);
  const exp = tokenExpiry(token);
  return exp === undefined ? { token } : { token, expirationTimestamp: exp };
}

async function readBounded(path: string): Promise<string> {
  const file = await open(path, "r").catch((error: unknown) => {
    throw new TokenUnavailable(`the token file ${path} cannot be opened: ${errorCode(error)}`);
  });
  try {
    const buffer = Buffer.alloc(MAX_TOKEN_BYTES + 1);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0).catch((error: unknown) => {
      throw new TokenUnavailable(`the token file ${path} cannot be read: ${errorCode(error)}`);
    });
    if (bytesRead > MAX_TOKEN_BYTES) {
      throw new TokenUnavailable(`the token file ${path} exceeds ${MAX_TOKEN_BYTES} bytes`);
    }
    return buffer.toString("utf8", 0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * The `exp` claim as an RFC 3339 time (the TokenRequest API's format), without verifying the
 * signature: the server only reports what the kubelet gave it; whoever receives the token
 * verifies it. Undefined when the token is not a JWT or carries no numeric `exp`.
 */
export function tokenExpiry(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const exp = (claims as { exp?: unknown } | null)?.exp;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return undefined;
  const date = new Date(exp * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : String(error);
}
