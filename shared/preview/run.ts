import jsonpatch from "fast-json-patch";
import { admit } from "../admission/admit.ts";
import type { PatchOperation } from "../admission/patch.ts";
import { settingsFromEnv } from "../admission/settings.ts";
import type { KubeObject } from "../basics/kube-object.ts";
import type { ClusterReader } from "../kube/reader.ts";
import { dispatch } from "../webhooks/dispatch.ts";
import { atVersion } from "../webhooks/equivalent.ts";
import type { Authorize } from "../webhooks/rbac.ts";
import type { UserInfo } from "../webhooks/request.ts";
import { admissionRequest } from "../webhooks/request.ts";
import type { ChainLink } from "./chain.ts";
import { lookUpNamespace } from "./namespace.ts";
import { snapshotAuthorizer } from "./rbac.ts";

/** What the preview made of one object: the decisions and the object after them. */
export interface PreviewResult {
  /** Each function the API server calls, with its patch (empty when it changes nothing). */
  patches: Record<string, PatchOperation[]>;
  /** Each function the API server does not call, with why (its rules, selectors, conditions). */
  notCalled?: Record<string, string>;
  object: KubeObject;
  warnings?: Record<string, string[]>;
  /** The function that denied the object, as the API server would report it; the chain stops there. */
  denied?: { function: string; message: string };
  /** The API server's answer when it refuses the object before any webhook (no such namespace). */
  refused?: string;
}

const addWarnings = (result: PreviewResult, name: string, warnings: readonly string[]): void => {
  if (warnings.length > 0)
    (result.warnings ??= {})[name] = [...(result.warnings[name] ?? []), ...warnings];
};

const patchOf = (patch: string | undefined): PatchOperation[] =>
  patch ? (JSON.parse(Buffer.from(patch, "base64").toString()) as PatchOperation[]) : [];

/** What every call of one preview shares: the namespace's labels, the snapshot, RBAC, the user. */
interface Context {
  labels: Readonly<Record<string, string>>;
  cluster: ClusterReader;
  authorize: Authorize | undefined;
  user: UserInfo | undefined;
}

/** Calls one function, as the API server would, and folds its answer into the result. */
async function call(
  result: PreviewResult,
  { entry, feature }: ChainLink,
  { labels, cluster, authorize, user }: Context,
): Promise<void> {
  const request = admissionRequest(result.object, { uid: "preview", user });
  const called = dispatch(entry, request, labels, authorize);
  if ("error" in called) {
    result.denied = { function: feature.name, message: `${entry.name}: ${called.error}` };
    return;
  }
  if (!called.call) {
    (result.notCalled ??= {})[feature.name] = called.reason;
    return;
  }
  addWarnings(
    result,
    feature.name,
    called.warnings.map((w) => `${feature.name}: ${w}`),
  );
  // The webhook sees the object at the version its rule names (matchPolicy Equivalent).
  const sent = called.converted ?? request;
  const { answer } = await admit(feature, sent, settingsFromEnv(feature.name), cluster);
  addWarnings(result, feature.name, answer.warnings ?? []);
  if (!answer.allowed) {
    result.denied = { function: feature.name, message: answer.status?.message ?? "denied" };
    return;
  }
  const ops = patchOf(answer.patch);
  result.patches[feature.name] = ops;
  const patched = jsonpatch.applyPatch(sent.object ?? result.object, ops, true, false).newDocument;
  // The API server converts the object back to the version the client asked for.
  result.object = atVersion(patched, request.kind.version);
}

/**
 * Runs the object through the chain in webhook order, exactly as the API server chains mutating
 * webhooks: each entry's rules, selectors and matchConditions decide whether its function is
 * called, each function sees the previous one's output through the same admission path, and
 * patches are applied with an RFC 6902 implementation. `cluster` is what the features read (a
 * snapshot offline). The chain stops at a denial; an object in a namespace that does not exist
 * is refused before any, as the API server's NamespaceLifecycle plugin refuses it. `user` is who
 * asks (a cluster administrator by default), for matchConditions that ask the authorizer, which
 * answers from the snapshot's RBAC objects.
 */
export async function preview(
  object: KubeObject,
  chain: readonly ChainLink[],
  cluster: ClusterReader,
  user?: UserInfo,
): Promise<PreviewResult> {
  const result: PreviewResult = { patches: {}, object: structuredClone(object) };
  const namespace = await lookUpNamespace(cluster, object.metadata?.namespace ?? "default");
  if ("refused" in namespace) return { ...result, refused: namespace.refused };
  const authorize = await snapshotAuthorizer(cluster);
  const context = { labels: namespace.labels, cluster, authorize, user };
  for (const link of chain) {
    await call(result, link, context);
    if (result.denied) break;
  }
  return result;
}
