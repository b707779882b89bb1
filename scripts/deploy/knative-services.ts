import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

/** What a function's Knative Service says about how it runs, platform aside. */
export interface FunctionDeployment {
  name: string;
  image: string;
  serviceAccount: string;
  /** Plain `value` variables only; fieldRef/secret sources are platform specific. */
  env: Record<string, string>;
  requests: Record<string, string>;
  limits: Record<string, string>;
  readOnlyRootFilesystem: boolean;
  /** How long the last pod stays after the last request (`scale-to-zero-pod-retention-period`). */
  scaleToZeroAfter: string;
}

interface KnativeService {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    template?: {
      metadata?: { annotations?: Record<string, string> };
      spec?: {
        serviceAccountName?: string;
        containers?: {
          image?: string;
          env?: { name: string; value?: string }[];
          resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
          securityContext?: { readOnlyRootFilesystem?: boolean };
        }[];
      };
    };
  };
}

/** Every Knative Service in `dir`'s YAML files, in file and document order. */
export function knativeServices(dir: string): FunctionDeployment[] {
  return servicesOf(
    readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")))
      .map((d) => d.toJS() as unknown),
  );
}

/** The Knative Services among `docs`, in order. */
export function servicesOf(docs: readonly unknown[]): FunctionDeployment[] {
  return docs
    .map((d) => d as KnativeService | null)
    .filter(
      (d): d is KnativeService =>
        d?.apiVersion === "serving.knative.dev/v1" && d.kind === "Service",
    )
    .map(toDeployment);
}

type Container = NonNullable<
  NonNullable<NonNullable<KnativeService["spec"]>["template"]>["spec"]
>["containers"] extends (infer C)[] | undefined
  ? C
  : never;

function toDeployment(service: KnativeService): FunctionDeployment {
  const spec = service.spec?.template?.spec ?? {};
  const container: Container = spec.containers?.[0] ?? {};
  return {
    name: service.metadata?.name ?? "",
    image: container.image ?? "",
    serviceAccount: spec.serviceAccountName ?? "default",
    env: plainEnv(container),
    ...resourcesOf(container),
    readOnlyRootFilesystem: readOnly(container),
    scaleToZeroAfter: retention(service),
  };
}

const retention = (service: KnativeService): string =>
  service.spec?.template?.metadata?.annotations?.[
    "autoscaling.knative.dev/scale-to-zero-pod-retention-period"
  ] ?? "5m";

const readOnly = (container: Container): boolean =>
  container.securityContext?.readOnlyRootFilesystem === true;

function plainEnv(container: Container): Record<string, string> {
  const plain = (container.env ?? []).filter((e) => e.value !== undefined);
  return Object.fromEntries(plain.map((e) => [e.name, e.value ?? ""]));
}

function resourcesOf(container: Container): Pick<FunctionDeployment, "requests" | "limits"> {
  return {
    requests: container.resources?.requests ?? {},
    limits: container.resources?.limits ?? {},
  };
}
