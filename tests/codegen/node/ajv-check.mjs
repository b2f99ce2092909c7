// Compiles every schema with ajv in strict mode and validates instances against it.
// Usage: node ajv-check.mjs <cases.json>, where cases.json is
// {"<path of a schema file>": [<instance>, ...], ...}; prints
// {"<path>": {"error": "<compile error>"} | {"valid": [true, false, ...]}} as JSON.
import fs from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const cases = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const result = {};
for (const [file, instances] of Object.entries(cases)) {
  // One instance per schema: the files share $defs names but not $ids of sub-schemas.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // The schemas' only non-standard keywords: annotations, no validation.
  ajv.addKeyword({ keyword: "x-tr26927" });
  ajv.addKeyword({ keyword: "x-tr26927-rules" });
  try {
    const validate = ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
    result[file] = { valid: instances.map((instance) => validate(instance)) };
  } catch (error) {
    result[file] = { error: String(error.message) };
  }
}
process.stdout.write(JSON.stringify(result));
