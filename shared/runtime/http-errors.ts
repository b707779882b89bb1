import type { Response } from "@google-cloud/functions-framework";
import { sendJson } from "./send-json.ts";

/** Every non-success answer is JSON with a stable `error` code and a human message. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  sendJson(res, status, { error: code, message });
}
