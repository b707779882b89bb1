/**
 * Exit codes of the sidecar. Each names one cause, so `kubectl get pod` (lastState.terminated)
 * says what went wrong without reading the logs. The docs page lists them; keep both in step.
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  config: 2,
  noBridge: 3,
  addressInUse: 4,
  missingCapability: 5,
  networkSetup: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the process cannot carry on from; `reason` is the stable word in the log line. */
export class FatalError extends Error {
  readonly exitCode: ExitCode;
  readonly reason: string;

  constructor(reason: string, exitCode: ExitCode, message: string) {
    super(message);
    this.reason = reason;
    this.exitCode = exitCode;
  }
}
