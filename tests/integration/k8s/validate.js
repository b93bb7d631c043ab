// Validates Kubernetes manifests offline against the OpenAPI schemas that kubernetes-models
// ships (types, required fields, formats, enums). Usage: node validate.js FILE.yaml... ; prints one line per
// object, "ok KIND NAME" or "FAIL FILE KIND NAME: why", and exits 1 when any failed.
// NODE_PATH must name the node_modules that setup.sh installed.
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");

const models = {
  "apps/v1/Deployment": () => require("kubernetes-models/apps/v1").Deployment,
  "v1/Service": () => require("kubernetes-models/v1").Service,
  "policy/v1/PodDisruptionBudget": () => require("kubernetes-models/policy/v1").PodDisruptionBudget,
  "networking.k8s.io/v1/Ingress": () => require("kubernetes-models/networking.k8s.io/v1").Ingress,
};

let failed = 0;
for (const file of process.argv.slice(2)) {
  const docs = yaml.loadAll(fs.readFileSync(file, "utf8")).filter((d) => d);
  if (docs.length === 0) {
    console.log(`FAIL ${file}: no object`);
    failed++;
  }
  for (const doc of docs) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const name = (doc.metadata && doc.metadata.name) || "?";
    const model = models[key];
    if (!model) {
      console.log(`FAIL ${file} ${key} ${name}: no model for this kind`);
      failed++;
      continue;
    }
    const Model = model();
    try {
      new Model(doc).validate();
    } catch (e) {
      console.log(`FAIL ${file} ${doc.kind} ${name}: ${e.message}`);
      failed++;
      continue;
    }
    console.log(`ok ${doc.kind} ${name}`);
  }
}
process.exit(failed ? 1 : 0);
