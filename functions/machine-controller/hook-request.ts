import { jsonDecoder } from "../../shared/runtime/json-decoder.ts";
import { API_VERSION, MACHINE } from "./api.ts";
import type { HookRequest } from "./observed.ts";

const objectMap = {
  type: ["object", "null"],
  additionalProperties: { type: "object", additionalProperties: { type: "object" } },
} as const;

// What the function relies on in Metacontroller's sync, finalize and customize requests (hook
// versions v1 and v2): the parent with its name, and the children and related maps' shape.
// Everything else (the controller object, fields of newer versions) passes through unread.
const hookRequestSchema = {
  type: "object",
  required: ["parent"],
  properties: {
    controller: { type: "object" },
    parent: {
      type: "object",
      required: ["apiVersion", "kind", "metadata"],
      properties: {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string", minLength: 1 },
            namespace: { type: "string" },
            generation: { type: "integer" },
          },
        },
      },
    },
    children: objectMap,
    related: objectMap,
    finalizing: { type: "boolean" },
  },
} as const;

const decode = jsonDecoder<HookRequest>(hookRequestSchema, "hook request");

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
