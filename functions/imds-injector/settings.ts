import type { SidecarFragment } from "../../shared/imds-sidecar/fragment.ts";
import { tokenSources } from "../../shared/imds-sidecar/fragment.ts";

/** `native`: an init container with restartPolicy Always (Kubernetes >= 1.29); `regular`: a container. */
export const SIDECAR_MODES = ["native", "regular"] as const;
export type SidecarMode = (typeof SIDECAR_MODES)[number];

export interface ImdsInjectorSettings {
  image: string;
  mode: SidecarMode;
  /** Of the projected ServiceAccount token; never the API server's own. */
  audience: string;
  expirationSeconds: number;
}

type Env = Record<string, string | undefined>;

/** The API server's minimum for a projected token's expirationSeconds. */
export const MIN_EXPIRATION_SECONDS = 600;

/**
 * Read once at start-up; every default is the fragment's own value, so the fragment stays the one
 * source of the sidecar's spec. A wrong value stops the function with a message naming it.
 */
export function imdsInjectorSettingsFromEnv(
  fragment: SidecarFragment,
  env: Env = process.env,
): ImdsInjectorSettings {
  const token = tokenSources(fragment)[0] ?? {};
  return {
    image: value(env, "IMDS_INJECTOR_IMAGE") ?? fragment.container.image ?? "",
    mode: parseMode(value(env, "IMDS_INJECTOR_SIDECAR_MODE")),
    audience: parseAudience(value(env, "IMDS_INJECTOR_TOKEN_AUDIENCE") ?? token.audience ?? ""),
    expirationSeconds: parseExpiration(
      value(env, "IMDS_INJECTOR_TOKEN_EXPIRATION_SECONDS") ??
        String(token.expirationSeconds ?? 3600),
    ),
  };
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function parseMode(raw: string | undefined): SidecarMode {
  if (raw === undefined) return "native";
  const mode = SIDECAR_MODES.find((m) => m === raw.toLowerCase());
  if (mode) return mode;
  throw new Error(
    `imds-injector: IMDS_INJECTOR_SIDECAR_MODE="${raw}" is not a mode; use native (Kubernetes >= 1.29) or regular`,
  );
}

// The audiences API servers accept by default (--api-audiences defaults to the issuer, which
// kubeadm, kind and most distributions set to this service's URL).
const API_SERVER_AUDIENCE = /^(https:\/\/)?kubernetes\.default\.svc(\.|$)/;

function parseAudience(audience: string): string {
  if (audience === "")
    throw new Error(
      "imds-injector: the token audience is empty, which means the API server's own; set IMDS_INJECTOR_TOKEN_AUDIENCE (or the fragment's audience) to what the receiving services expect",
    );
  if (API_SERVER_AUDIENCE.test(audience))
    throw new Error(
      `imds-injector: the token audience "${audience}" is the Kubernetes API server's, so a token leaked from the guest would act on the cluster; choose an audience of the services that receive it`,
    );
  return audience;
}

function parseExpiration(raw: string): number {
  const seconds = Number(raw);
  if (Number.isInteger(seconds) && seconds >= MIN_EXPIRATION_SECONDS) return seconds;
  throw new Error(
    `imds-injector: IMDS_INJECTOR_TOKEN_EXPIRATION_SECONDS="${raw}" is not a whole number of seconds of at least ${MIN_EXPIRATION_SECONDS} (the API server's minimum)`,
  );
}
