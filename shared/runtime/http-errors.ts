import type { Response } from "@google-cloud/functions-framework";

/** Every non-success answer is JSON with a stable `error` code and a human message. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: code, message });
}
