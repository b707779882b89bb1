import { CONDITION_TYPES, PHASES } from "../api.ts";
import type { Schema } from "./fields.ts";
import { object, oneOf, text } from "./fields.ts";

const time = (description: string): Schema => text(description, { format: "date-time" });
const generation = (description: string): Schema => ({
  type: "integer",
  format: "int64",
  minimum: 0,
  description,
});

const condition: Schema = object(
  "A condition, as metav1.Condition.",
  {
    type: oneOf(CONDITION_TYPES, "Ready, VirtualMachineReady, StorageReady or NetworkReady."),
    status: oneOf(["True", "False", "Unknown"], "True, False or Unknown."),
    reason: text("CamelCase reason, e.g. PVCBound.", {
      maxLength: 1024,
      pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
    }),
    message: text("What was observed, and the fix when something is wrong.", { maxLength: 32768 }),
    lastTransitionTime: time("When status last changed."),
    observedGeneration: generation("The Machine generation this condition was computed from."),
  },
  { required: ["type", "status", "reason", "message", "lastTransitionTime"] },
);

/** `status` of a Machine, written by the function through Metacontroller (the status subresource). */
export const machineStatusSchema: Schema = object("What was observed, as of observedGeneration.", {
  phase: oneOf(PHASES, "Pending, Creating, Running, Stopped or Failed."),
  conditions: {
    type: "array",
    description: "Ready, VirtualMachineReady, StorageReady, NetworkReady.",
    items: condition,
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["type"],
  },
  vmName: text("The VirtualMachine, once it exists."),
  vmiName: text("The VirtualMachineInstance, while it exists."),
  ipAddresses: {
    type: "array",
    description: "The guest's addresses, as the VirtualMachineInstance reports them.",
    items: { type: "string" },
  },
  nodeName: text("The node the VirtualMachineInstance runs on."),
  observedGeneration: generation("The Machine generation this status was computed from."),
  lastUpdated: time("When anything in this status last changed."),
});
