#!/usr/bin/env node
// Rewrites the tables of docs/auth.md that restate the permission table
// (gateway/src/auth/permissions.ts) and the partner scopes of the backends (gateway/src/backends.ts).
// Run through `npm run docs:permissions -w gateway`, which compiles the gateway first.
const { readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { renderPermissionDocs } = require("../dist/auth/permissions-doc.js");

const file = path.join(__dirname, "../../docs/auth.md");
const before = readFileSync(file, "utf8");
const after = renderPermissionDocs(before);
if (after === before) {
  console.log("docs/auth.md is up to date");
} else {
  writeFileSync(file, after);
  console.log("docs/auth.md rewritten from the permission table");
}
