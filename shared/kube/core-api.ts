// What loadCoreClient takes from client-node, by name: a chunk built from named exports keeps only
// these (and what they use), where `import("@kubernetes/client-node")` would keep the whole package.
export { CoreV1Api, Observable } from "@kubernetes/client-node";
