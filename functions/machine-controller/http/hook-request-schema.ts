const objectMap = {
  type: ["object", "null"],
  additionalProperties: { type: "object", additionalProperties: { type: "object" } },
} as const;

// What the function relies on in Metacontroller's sync, finalize and customize requests (hook
// versions v1 and v2): the parent with its name, and the children and related maps' shape.
// Everything else (the controller object, fields of newer versions) passes through unread.
export const hookRequestSchema = {
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
