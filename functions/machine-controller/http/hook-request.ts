import type { ValidateFunction } from "ajv";
import { decoderFor } from "../../../shared/runtime/decode.ts";
import { validate } from "./hook-request-validator.generated.ts";
import { API_VERSION, MACHINE } from "../api.ts";
import type { HookRequest } from "../hooks/observed.ts";

// Compiled from hookRequestSchema (hook-request-schema.ts) by ajv at build time, not at start-up
// (npm run build regenerates it; a test checks it is current).
const decode = decoderFor(validate as ValidateFunction<HookRequest>, "hook request");

/** The request, or why it is not one Metacontroller sends for a Machine. */
export function decodeHookRequest(body: unknown): { request: HookRequest } | { error: string } {
  const decoded = decode(body);
  if ("error" in decoded) return decoded;
  const { apiVersion, kind } = decoded.value.parent;
  if (apiVersion !== API_VERSION || kind !== MACHINE.kind) {
    return {
      error: `the parent is a ${apiVersion ?? ""} ${kind ?? ""}, not a ${API_VERSION} Machine; point only the Machine CompositeController at this function`,
    };
  }
  return { request: decoded.value };
}
