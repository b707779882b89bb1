import { CelScalar, celMethod, mapType } from "@bufbuild/cel";
import type { CelFunc, CelMap } from "@bufbuild/cel";
import type { AdmissionRequest } from "../admission/types.ts";
import type { Attributes, Authorize, User } from "./rbac.ts";

// The `authorizer` variable of matchConditions, after k8s.io/apiserver's cel/library/authz.go:
// authorizer.group(g).resource(r).subresource(s).namespace(n).name(x).check(verb) and
// authorizer.path(p).check(verb) give a Decision with allowed(), reason(), errored() and error();
// authorizer.serviceAccount(ns, name) asks for that ServiceAccount instead of the request's user;
// authorizer.requestResource is the check for the request's own resource. Each value is a CEL map
// tagged with what it is, as @bufbuild/cel has no custom types without protobuf descriptors.

const VALUE = mapType(CelScalar.STRING, CelScalar.DYN);
type Fields = Record<string, unknown>;

const value = (fields: Fields): never => new Map(Object.entries(fields)) as never;

function fieldsOf(map: CelMap): Fields {
  const out: Fields = {};
  for (const [key, item] of map.entries()) out[String(key)] = item;
  return out;
}

const userOf = (fields: Fields): User => ({
  username: String(fields["username"]),
  groups: [...((fields["groups"] as Iterable<unknown> | undefined) ?? [])].map(String),
});

/** The check as RBAC attributes: a path, or a resource with what the chain set. */
function attributesOf(fields: Fields, verb: string): Attributes {
  const user = userOf(fields);
  if (fields["is"] === "path") return { user, verb, path: String(fields["path"]) };
  const text = (key: string): string => String(fields[key] ?? "");
  return {
    user,
    verb,
    group: text("group"),
    resource: text("resource"),
    subresource: text("subresource"),
    namespace: text("namespace"),
    name: text("name"),
  };
}

/** A method on the tagged maps that sets one field and keeps the rest. */
const setter = (name: string, is: string): CelFunc =>
  celMethod(name, VALUE, [CelScalar.STRING], VALUE, function (field) {
    return value({ ...fieldsOf(this), is, [name]: field });
  });

/** The library's functions, answering checks with `authorize`. */
export function authorizerFunctions(authorize: Authorize): CelFunc[] {
  return [
    setter("group", "group"),
    setter("resource", "resource"),
    setter("subresource", "resource"),
    setter("namespace", "resource"),
    setter("name", "resource"),
    // RBAC does not read selectors: a check with one is the check without it.
    celMethod("fieldSelector", VALUE, [CelScalar.STRING], VALUE, function () {
      return this as never;
    }),
    celMethod("labelSelector", VALUE, [CelScalar.STRING], VALUE, function () {
      return this as never;
    }),
    celMethod("path", VALUE, [CelScalar.STRING], VALUE, function (path) {
      return value({
        ...fieldsOf(this),
        is: "path",
        path: path.startsWith("/") ? path : `/${path}`,
      });
    }),
    celMethod("serviceAccount", VALUE, [CelScalar.STRING, CelScalar.STRING], VALUE, (ns, name) =>
      value(serviceAccountFields(ns, name)),
    ),
    celMethod("check", VALUE, [CelScalar.STRING], VALUE, function (verb) {
      const decision = authorize(attributesOf(fieldsOf(this), verb));
      return value({ is: "decision", ...decision });
    }),
    celMethod("allowed", VALUE, [], CelScalar.BOOL, function () {
      return this.get("allowed") === true;
    }),
    celMethod("reason", VALUE, [], CelScalar.STRING, function () {
      return String(this.get("reason") ?? "");
    }),
    // RBAC over a snapshot never fails to answer.
    celMethod("errored", VALUE, [], CelScalar.BOOL, () => false),
    celMethod("error", VALUE, [], CelScalar.STRING, () => ""),
  ];
}

const serviceAccountFields = (namespace: string, name: string): Fields => ({
  is: "authorizer",
  username: `system:serviceaccount:${namespace}:${name}`,
  groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`],
});

/** The check for the request's own resource, as `authorizer.requestResource` gives it. */
function requestResourceFields(request: AdmissionRequest): Fields {
  const { group, resource } = request.resource ?? { group: "", resource: "" };
  return {
    is: "resource",
    group,
    resource,
    subresource: request.subResource ?? "",
    namespace: request.namespace ?? "",
    name: request.name ?? "",
  };
}

/** The `authorizer` variable for a request: its user, and `requestResource` for its resource. */
export function authorizerVariable(request: AdmissionRequest): Map<string, unknown> {
  const user = {
    username: request.userInfo?.username ?? "",
    groups: request.userInfo?.groups ?? [],
  };
  const requestResource = value({ ...requestResourceFields(request), ...user });
  return new Map(Object.entries({ is: "authorizer", ...user, requestResource }));
}
