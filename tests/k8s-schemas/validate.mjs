// Reads a multi-document YAML stream (what `kubectl kustomize` prints) on stdin and validates every Kubernetes object
// against its kind's OpenAPI schema (kubernetes-models), offline. Prints one JSON line per document:
//   {"index", "apiVersion", "kind", "name", "result": "valid" | "invalid" | "not-kubernetes", "errors"}
// ("not-kubernetes": a custom resource such as dapr.io's, which the caller checks itself). Exits 1 when any is invalid,
// or when an object of a built-in API group has a kind this package has no schema for.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const builtInGroups = new Set(["", "apps", "batch", "autoscaling", "policy", "networking.k8s.io", "rbac.authorization.k8s.io",
  "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io", "admissionregistration.k8s.io",
  "apiextensions.k8s.io", "certificates.k8s.io", "events.k8s.io"]);

async function validate(object) {
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
  if (!builtInGroups.has(group)) {
    return { result: "not-kubernetes" };
  }
  const module = `kubernetes-models/${group === "" ? "" : group + "/"}${version}/${object.kind}`;
  let model;
  try {
    model = (await import(module))[object.kind];
  } catch {
    return { result: "invalid", errors: [`no schema for ${object.apiVersion} ${object.kind} (${module})`] };
  }
  try {
    new model(object).validate();
    return { result: "valid" };
  } catch (e) {
    return { result: "invalid", errors: (e.errors ?? [e]).map(err => err.instancePath !== undefined ? `${err.instancePath} ${err.message}` : String(err.message ?? err)) };
  }
}

let failed = false;
const documents = parseAllDocuments(readFileSync(0, "utf8"));
for (const [index, document] of documents.entries()) {
  if (document.errors.length > 0) {
    failed = true;
    console.log(JSON.stringify({ index, result: "invalid", errors: document.errors.map(e => e.message) }));
    continue;
  }
  const object = document.toJS();
  if (object === null) {
    continue;
  }
  if (typeof object !== "object" || typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    failed = true;
    console.log(JSON.stringify({ index, result: "invalid", errors: ["not an object with apiVersion and kind"] }));
    continue;
  }
  const outcome = await validate(object);
  failed ||= outcome.result === "invalid";
  console.log(JSON.stringify({ index, apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name ?? null, ...outcome }));
}
process.exit(failed ? 1 : 0);
