// Generates TypeScript declarations with json-schema-to-typescript, one file per schema.
// Usage: node json2ts.mjs <output directory> <schema file>...
// The options are those docs/other-stacks.md recommends.
import fs from "node:fs";
import path from "node:path";
import { compile } from "json-schema-to-typescript";

export const OPTIONS = {
  // Arrays become plain T[] instead of tuples ([T, ...T[]] for minItems: 1, to which a
  // T[] does not assign); validators still check the bounds.
  ignoreMinAndMaxItems: true,
  // The schemas close their objects; branches of anyOf/oneOf state only what they add.
  additionalProperties: false,
  // Where a schema truly allows anything, say unknown rather than any.
  unknownAny: true,
  bannerComment: "",
  format: false,
};

// Two shapes json-schema-to-typescript turns into numbered copies of a name, rewritten into
// equivalent ones (what validates is unchanged):
// - a $ref with sibling keywords (a property's own description) is copied into a new type
//   named like its target plus a number (Framework1): the $ref moves into allOf;
// - a named type with both properties and anyOf/oneOf (ServiceAccessInformation) becomes
//   an intersection of two parts named after it (ServiceAccessInformation1 & ...2): the
//   two move into allOf, so that only the whole carries the name.
export function prepare(node) {
  if (Array.isArray(node)) return node.map(prepare);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) out[key] = prepare(value);
  if (typeof out.$ref === "string" && Object.keys(out).length > 1) {
    const { $ref, ...siblings } = out;
    return { ...siblings, allOf: [{ $ref }] };
  }
  const choice = ["anyOf", "oneOf"].find((key) => key in out);
  if (choice && "properties" in out) {
    const { $schema, $id, $defs, title, description, examples, [choice]: branches, ...object } = out;
    const head = { $schema, $id, $defs, title, description, examples };
    for (const key of Object.keys(head)) if (head[key] === undefined) delete head[key];
    return { ...head, allOf: [object, { [choice]: branches }] };
  }
  return out;
}

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
for (const file of files) {
  const schema = prepare(JSON.parse(fs.readFileSync(file, "utf8")));
  const name = path.basename(file, ".schema.json");
  const ts = await compile(schema, name, OPTIONS);
  fs.writeFileSync(path.join(outDir, `${name}.d.ts`), ts);
}
