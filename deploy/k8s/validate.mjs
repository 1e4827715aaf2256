// Validates Kubernetes objects against the API schemas of the kubernetes-models packages
// (Kubernetes core and the Prometheus Operator's CRDs), offline.
// Usage: node validate.mjs OBJECTS.json NODE_MODULES_PARENT
//   OBJECTS.json: a JSON array of objects; NODE_MODULES_PARENT: where the packages are installed.
// Prints one line per object; exits 1 when any object is invalid or of a kind it has no schema
// for, 2 on a usage error.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [objectsFile, modulesRoot] = process.argv.slice(2);
if (!objectsFile || !modulesRoot) {
  console.error("usage: node validate.mjs OBJECTS.json NODE_MODULES_PARENT");
  process.exit(2);
}
const require = createRequire(join(modulesRoot, "package.json"));

// The module holding the model of `apiVersion`/`kind`: core "v1" objects are at v1/, grouped
// ones at GROUP/VERSION/, and CRDs in their own package.
function modelPath(apiVersion, kind) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

function check(object) {
  const name = `${object.kind}/${object.metadata?.name}`;
  let Model;
  try {
    Model = require(modelPath(String(object.apiVersion), String(object.kind)))[object.kind];
  } catch {
    return `${name}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`;
  }
  try {
    new Model(object).validate();
    return null;
  } catch (error) {
    return `${name}: ${error.message}`;
  }
}

let failed = 0;
for (const object of JSON.parse(readFileSync(objectsFile, "utf8"))) {
  const problem = check(object);
  console.log(problem ? `INVALID ${problem}` : `valid ${object.kind}/${object.metadata.name}`);
  if (problem) failed += 1;
}
process.exit(failed ? 1 : 0);
