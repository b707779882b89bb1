/**
 * A deliberate refusal: the object asks for something the feature cannot do. The message says
 * what is wrong, `field` where, and `fix` what the user should change.
 */
export class FeatureError extends Error {
  readonly field: string;
  readonly fix: string;

  constructor(message: string, details: { field: string; fix: string }) {
    super(message);
    this.name = "FeatureError";
    this.field = details.field;
    this.fix = details.fix;
  }
}

/** The cluster could not be read in time, or refused us. */
export class ClusterError extends Error {
  readonly fix: string;

  constructor(message: string, fix: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ClusterError";
    this.fix = fix;
  }
}

/** The one message format users see: feature, what happened, where, and how to fix it. */
export function describeError(feature: string, error: unknown): string {
  if (error instanceof FeatureError) {
    return `${feature}: ${error.message} (field ${error.field}). Fix: ${error.fix}`;
  }
  if (error instanceof ClusterError) {
    return `${feature}: ${error.message}. Fix: ${error.fix}`;
  }
  const text = error instanceof Error ? error.message : String(error);
  return `${feature}: internal error: ${text}. Fix: report this with the object that caused it`;
}

/** The HTTP status a failure is answered with: 403 refusal, 503 cluster, 500 bug. */
export function errorCode(error: unknown): number {
  if (error instanceof FeatureError) return 403;
  if (error instanceof ClusterError) return 503;
  return 500;
}
