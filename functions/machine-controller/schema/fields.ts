// Small builders for the CRDs' OpenAPI v3 schemas, so that each field reads as one line with its
// description. Every schema they make is structural (a type on every node, no $ref).

export type Schema = Record<string, unknown>;

const DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/** apimachinery's own quantity pattern, as controller-gen emits it for resource.Quantity. */
export const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

export const text = (description: string, extra: Schema = {}): Schema => ({
  type: "string",
  description,
  ...extra,
});
export const flag = (description: string): Schema => ({ type: "boolean", description });
export const integer = (description: string, minimum: number, maximum: number): Schema => ({
  type: "integer",
  description,
  minimum,
  maximum,
});
export const oneOf = (values: readonly string[], description: string): Schema =>
  text(description, { enum: [...values] });
export const dnsLabel = (description: string): Schema =>
  text(description, { maxLength: 63, pattern: DNS_LABEL });
export const dnsSubdomain = (description: string): Schema =>
  text(description, { maxLength: 253, pattern: DNS_SUBDOMAIN });
export const quantity = (description: string): Schema => ({
  description,
  anyOf: [{ type: "integer" }, { type: "string" }],
  pattern: QUANTITY_PATTERN,
  "x-kubernetes-int-or-string": true,
});
// An empty `properties` is left out: the API server stores a CRD without it, a conflict for a
// second field manager.
export const object = (description: string, properties: Schema, extra: Schema = {}): Schema => ({
  type: "object",
  description,
  ...(Object.keys(properties).length > 0 ? { properties } : {}),
  ...extra,
});
/** A list whose entries are keyed by `name`: the API server refuses two entries of one name. */
export const listByName = (description: string, items: Schema, maxItems: number): Schema => ({
  type: "array",
  description,
  maxItems,
  items,
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": ["name"],
});
