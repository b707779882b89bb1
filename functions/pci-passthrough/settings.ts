import { parseCount } from "../../shared/basics/env.ts";

export interface PciPassthroughSettings {
  /** `PCI_MAX_DEVICES`: entries one VM may ask for. */
  maxDevices: number;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_MAX_DEVICES = 8;

/** Read once, at start-up; a wrong value stops the function with a message naming the variable. */
export function pciPassthroughSettingsFromEnv(env: Env = process.env): PciPassthroughSettings {
  return { maxDevices: parseCount("PCI_MAX_DEVICES", env["PCI_MAX_DEVICES"], DEFAULT_MAX_DEVICES) };
}
