// The operations of HubSpot's and Pipedrive's published API descriptions, as their official SDKs carry them:
// both SDKs are generated from the vendors' OpenAPI documents, and each generated request factory names the
// operation's method, path template and query parameters. Read from the installed packages at test time
// (nothing of the vendors' documents is committed here).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const modules = fileURLToPath(new URL("node_modules/", import.meta.url));

function* files(dir, keep) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path, keep);
    else if (keep(path)) yield path;
  }
}

/**
 * One operation: method, path template as a RegExp, the query parameters it takes, the type of its JSON body
 * (a model name, looked up with `model`), where it was read.
 */
function operation(method, prefix, template, query, source, body = null, model = () => null) {
  const pattern = (prefix + template).replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
  return {
    method,
    template: prefix + template,
    path: new RegExp(`^${pattern}$`),
    query: new Set(query),
    source,
    body,
    model,
  };
}

/** Splits generated source into one chunk per operation (each starts at its `localVarPath`). */
function chunks(text) {
  const starts = [...text.matchAll(/const localVarPath = ['`]([^'`]+)['`]/g)];
  return starts.map((m, i) => ({
    template: m[1],
    body: text.slice(m.index, starts[i + 1]?.index ?? text.length),
  }));
}

/**
 * Operations of HubSpot's published descriptions that its Node SDK does not carry, each with its source
 * (HubSpot/HubSpot-public-api-spec-collection): the facts only, method, path and query parameter names.
 */
const HUBSPOT_BEYOND_THE_SDK = [
  [
    "GET",
    "/account-info/v3/details",
    [],
    "PublicApiSpecs/Account/Account Info/Rollouts/144923/v3/accountInfo.json",
  ],
];

/** A HubSpot model's fields (`attributeTypeMap`: JSON name -> type), from the models folder beside its API. */
function hubspotModel(dir) {
  const cache = new Map();
  return (name) => {
    if (!cache.has(name)) {
      let fields = null;
      try {
        const text = readFileSync(join(dir, `${name}.js`), "utf8");
        const map = text.match(/attributeTypeMap = (\[[\s\S]*?\]);/)?.[1];
        if (map) fields = new Map(JSON.parse(map).map((a) => [a.baseName, a.type]));
      } catch {
        fields = null;
      }
      cache.set(name, fields);
    }
    return cache.get(name);
  };
}

export function hubspotOperations() {
  const ops = HUBSPOT_BEYOND_THE_SDK.map(([method, template, query, source]) =>
    operation(method, "", template, query, source),
  );
  const root = join(modules, "@hubspot/api-client/lib/codegen");
  for (const file of files(root, (p) => /\/apis\/[A-Za-z]+Api\.js$/.test(p))) {
    const model = hubspotModel(join(file, "../../models"));
    for (const { template, body } of chunks(readFileSync(file, "utf8"))) {
      const method = body.match(/HttpMethod\.([A-Z]+)/)?.[1];
      const query = [...body.matchAll(/(?:setQueryParam|appendQueryParam)\("([^"]+)"/g)].map((m) => m[1]);
      const bodyType =
        body.match(/stringify\(ObjectSerializer_1\.ObjectSerializer\.serialize\([^,]+, "([^"]+)"/)?.[1] ??
        null;
      if (method)
        ops.push(operation(method, "", template, query, file.slice(root.length + 1), bodyType, model));
    }
  }
  return ops;
}

/**
 * A Pipedrive model's fields (JSON name -> type), from its TypeScript declaration; a type declared as the
 * intersection or union of others (`type AddNoteRequest = AddNoteRequestAllOf & AddNoteRequestAllOf1`) has
 * the fields of all of them.
 */
function pipedriveModel(dir) {
  const cache = new Map();
  const model = (name) => {
    if (!cache.has(name)) {
      const file = name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
      let fields = null;
      try {
        const text = readFileSync(join(dir, `${file}.d.ts`), "utf8");
        const combined = text.match(/^export type \w+ = ([\w\s&|]+);$/m)?.[1];
        if (combined) {
          cache.set(name, null);
          const parts = combined.split(/[&|]/).map((p) => model(p.trim()));
          cache.set(name, new Map(parts.flatMap((p) => [...(p ?? [])])));
          return cache.get(name);
        }
        // A field whose type spans lines is an inline object: a map of custom-field keys.
        fields = new Map(
          [...text.matchAll(/^ {4}'([^']+)'\??: ([^\n]*)$/gm)].map((m) => [
            m[1],
            m[2].startsWith("{") ? "{ [key: string]: any; }" : m[2].replace(/;$/, ""),
          ]),
        );
      } catch {
        fields = null;
      }
      cache.set(name, fields);
    }
    return cache.get(name);
  };
  return model;
}

export function pipedriveOperations() {
  const ops = [];
  for (const version of ["v1", "v2"]) {
    const root = join(modules, `pipedrive/dist/versions/${version}/api`);
    const model = pipedriveModel(join(root, "../models"));
    for (const file of files(root, (p) => p.endsWith("-api.js"))) {
      for (const { template, body } of chunks(readFileSync(file, "utf8"))) {
        const method = body.match(/method: '([A-Z]+)'/)?.[1];
        const query = [...body.matchAll(/localVarQueryParameter\['([^']+)'\]/g)].map((m) => m[1]);
        const bodyType = body.match(/serializeDataIfNeeded\)\(([A-Za-z0-9]+),/)?.[1] ?? null;
        const source = `${version}/${file.slice(root.length + 1)}`;
        if (method) ops.push(operation(method, `/api/${version}`, template, query, source, bodyType, model));
      }
    }
  }
  return ops;
}

/**
 * Where HubSpot's reference documentation and its OpenAPI document disagree, and we follow the former, with the
 * source: a problem at such a place is not a mismatch.
 */
const KNOWN_DIVERGENCES = [
  {
    path: /^\/crm\/v3\/objects\/[^/]+\/search$/,
    at: /^body\.sorts\[\] should be string/,
    why: "HubSpot's search guide sends sorts as {propertyName, direction}; its OpenAPI document types them as strings (CONTRACTS.md §2)",
  },
];

const SCALARS = { string: "string", Date: "string", number: "number", boolean: "boolean" };

/**
 * Where a body's shape (see the emulator's request log) leaves the type the description gives it: a key the
 * model has no field for, or a value of another kind. Empty when it fits. Free-form maps and `any` take anything.
 */
export function shapeProblems(shape, type, model, at = "body") {
  if (shape === "null" || type == null) return [];
  const t = type.replace(/ \| null$/, "").trim();
  if (t === "any" || t === "object" || t.startsWith("{ [key: string]")) return [];
  const array = t.match(/^Array<(.+)>$/);
  if (array) {
    if (!Array.isArray(shape)) return [`${at} should be a list of ${array[1]}`];
    return shape.flatMap((s) => shapeProblems(s, array[1], model, `${at}[]`));
  }
  const scalars = t
    .split(" | ")
    .map((p) => SCALARS[p])
    .filter(Boolean);
  if (scalars.length)
    return scalars.includes(shape) ? [] : [`${at} should be ${t}, is ${JSON.stringify(shape)}`];
  const fields = model(t);
  if (!fields) return [];
  if (typeof shape !== "object" || Array.isArray(shape)) return [`${at} should be an object (${t})`];
  return Object.entries(shape).flatMap(([key, s]) =>
    fields.has(key)
      ? shapeProblems(s, fields.get(key), model, `${at}.${key}`)
      : [`${at}.${key} is not a field of ${t}`],
  );
}

/**
 * Why a request (method, path, raw query, body shape) matches no operation of the description, or null when
 * one takes it: its path and method, every query parameter name it sends, and its body's keys and kinds.
 */
export function mismatch(ops, { method, path, query, body_shape }) {
  const candidates = ops.filter((op) => op.path.test(path));
  if (!candidates.length) return `no operation has the path ${path}`;
  const same = candidates.filter((op) => op.method === method);
  if (!same.length)
    return `${path} takes ${[...new Set(candidates.map((o) => o.method))].join(", ")}, not ${method}`;
  const names = [...new URLSearchParams(query ?? "").keys()];
  const fits = same.filter((op) => names.every((n) => op.query.has(n)));
  if (!fits.length) {
    const known = new Set(same.flatMap((op) => [...op.query]));
    return `${method} ${path}: query parameter(s) ${names.filter((n) => !known.has(n)).join(", ")} not in ${same.map((o) => o.source).join(", ")}`;
  }
  if (body_shape == null) return null;
  const divergent = (p) => KNOWN_DIVERGENCES.some((d) => d.path.test(path) && d.at.test(p));
  const problems = fits.map((op) =>
    shapeProblems(body_shape, op.body, op.model).filter((p) => !divergent(p)),
  );
  if (problems.some((p) => p.length === 0)) return null;
  return `${method} ${path}: ${problems[0].join("; ")} (${fits[0].body} in ${fits[0].source})`;
}
