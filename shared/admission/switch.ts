/**
 * The on/off words every feature annotation accepts, in any case with spaces trimmed, so that
 * users write the same values everywhere.
 */
const ON = ["enabled", "true", "yes", "1"];
const OFF = ["disabled", "false", "no", "0"];

/** The on/off words, for messages. */
export const SWITCH_WORDS = "enabled or disabled (also true/false, yes/no, 1/0)";

/** `on`, `off`, or undefined for a value that is neither. */
export function readSwitch(raw: string): "on" | "off" | undefined {
  const value = raw.trim().toLowerCase();
  if (ON.includes(value)) return "on";
  if (OFF.includes(value)) return "off";
  return undefined;
}
