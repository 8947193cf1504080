// The second, independent check that the fake of Phrase and openapi.yaml agree (make
// spec-conformance): validates every answer that wrapper/phrasetest's TestSpecConformance
// recorded against openapi.yaml with Ajv (JSON Schema, a different ecosystem from the Go test's
// kin-openapi), strict mode and every format checked.
//
//   node spec/validate-answers.mjs openapi.yaml build/recorded-answers
//
// For each answer: the status must be declared by its operation (no `default` exists), its
// Content-Type too; the body must match the declared schema, read as OAS 3.0 (`nullable` beside
// `type`, as Ajv implements it); and every object may carry only the properties its schema
// declares (additionalProperties false unless the schema says otherwise), plus the fields the
// answer says the fake added on purpose (WithUnknownEnumsAndFields).
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ajvVersion = createRequire(import.meta.url)('ajv/package.json').version;

const [specPath, dir] = process.argv.slice(2);
if (!specPath || !dir) {
  console.error('usage: node spec/validate-answers.mjs openapi.yaml DIR');
  process.exit(2);
}
const spec = yaml.load(readFileSync(specPath, 'utf8'));
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));

// The recorded set is exactly the index: a stale or partial directory fails.
const files = readdirSync(dir).filter((f) => f !== 'index.json').sort();
const listed = [...index.answers].sort();
if (JSON.stringify(files) !== JSON.stringify(listed)) {
  console.error(`validate-answers: ${dir} holds other files than index.json lists; rerun make spec-conformance`);
  process.exit(1);
}
const MIN_ANSWERS = 60;
if (listed.length < MIN_ANSWERS) {
  console.error(`validate-answers: only ${listed.length} answers recorded, want at least ${MIN_ANSWERS}`);
  process.exit(1);
}

// OAS 3.0 schema keywords that are annotations for Ajv, and the spec's own extensions.
const ANNOTATIONS = ['example', 'xml', 'externalDocs', 'x-extensible-enum', 'x-phrase-date-time'];

// toJSONSchema copies an OAS 3.0 schema for Ajv: $refs point into the definitions of the
// "spec" schema; objects without an additionalProperties of their own get false, with the
// allowed extra names declared.
function toJSONSchema(s, extra) {
  if (Array.isArray(s)) return s.map((v) => toJSONSchema(v, extra));
  if (s === null || typeof s !== 'object') return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref') {
      out.$ref = v.replace('#/components/schemas/', 'spec#/definitions/');
    } else if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, toJSONSchema(p, extra)]));
    } else if (typeof v === 'object') {
      out[k] = toJSONSchema(v, extra);
    } else {
      out[k] = v;
    }
  }
  if (out.type === 'object' && out.additionalProperties === undefined) {
    out.additionalProperties = false;
    if (extra.length > 0) {
      out.properties = { ...out.properties };
      for (const name of extra) out.properties[name] ??= {};
    }
  }
  return out;
}

// One Ajv per set of allowed extra fields (the spec's schemas are compiled into each).
const ajvs = new Map();
function ajvFor(extra) {
  const key = extra.join(',');
  if (!ajvs.has(key)) {
    const ajv = new Ajv({ strict: true, allErrors: true, strictRequired: false, allowUnionTypes: false });
    addFormats(ajv); // date-time, uri, email...: every format the spec may use is checked
    // ajv-formats 2.1.1 accepts a date-time without an offset, or with +0000: too lax for
    // `format: date-time` (RFC 3339), which Phrase's answers do not meet. Check RFC 3339 itself.
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
    // OAS formats that JSON Schema lacks, checked as OAS defines them.
    ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isSafeInteger(n) });
    ajv.addFormat('password', { type: 'string', validate: () => true });
    ajv.addVocabulary(ANNOTATIONS);
    ajv.addSchema({ $id: 'spec', definitions: toJSONSchema(spec.components.schemas, extra) });
    ajvs.set(key, { ajv, compiled: new Map() });
  }
  return ajvs.get(key);
}

function resolveResponse(r) {
  if (r && r.$ref) return spec.components.responses[r.$ref.replace('#/components/responses/', '')];
  return r;
}

let failed = 0;
const seen = {};
for (const file of listed) {
  const a = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const where = `${file} (${a.name}, ${a.options}): ${a.request.method} ${a.request.path} -> ${a.status}`;
  const problems = [];
  let response;
  if (a.operation) {
    const op = spec.paths[a.operation.path]?.[a.operation.method];
    if (!op) {
      problems.push(`no operation ${a.operation.method} ${a.operation.path} in the spec`);
    } else {
      response = resolveResponse(op.responses[String(a.status)]);
      if (!response) problems.push(`status ${a.status} is not declared`);
      const k = `${a.operation.method} ${a.operation.path}`;
      (seen[k] ??= new Set()).add(a.status);
    }
  } else {
    response = resolveResponse({ $ref: a.response });
    if (!response) problems.push(`no response ${a.response} in the spec`);
  }
  const mediaType = (a.contentType || '').split(';')[0].trim();
  const content = response?.content?.[mediaType];
  if (response && !content) problems.push(`Content-Type ${mediaType || '(none)'} is not declared`);
  if (content) {
    const extra = [...(a.unknownFields ?? [])].sort();
    const { ajv, compiled } = ajvFor(extra);
    const schemaKey = JSON.stringify(content.schema);
    if (!compiled.has(schemaKey)) compiled.set(schemaKey, ajv.compile(toJSONSchema(content.schema, extra)));
    const validate = compiled.get(schemaKey);
    let body = a.body;
    if (mediaType === 'application/json') {
      try {
        body = JSON.parse(a.body);
      } catch (e) {
        problems.push(`body is not JSON: ${e.message}`);
      }
    }
    if (problems.length === 0 && !validate(body)) {
      for (const e of validate.errors) problems.push(`${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
    for (const [name, value] of Object.entries(a.headers ?? {})) {
      const h = response.headers?.[name];
      const hs = h?.$ref ? spec.components.headers[h.$ref.replace('#/components/headers/', '')] : h;
      if (!hs) {
        problems.push(`header ${name} is not declared`);
      } else if (!ajv.validate(toJSONSchema(hs.schema, []), value)) {
        problems.push(`header ${name}: ${ajv.errorsText()}`);
      }
    }
  }
  if (problems.length > 0) {
    failed++;
    console.error(`FAIL ${where}\n  ${problems.join('\n  ')}\n  body: ${a.body.slice(0, 600)}`);
  }
}
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
    if (item[method] && ![...(seen[`${method} ${path}`] ?? [])].some((st) => st >= 200 && st < 300)) {
      failed++;
      console.error(`FAIL no successful answer recorded for ${method} ${path}`);
    }
  }
}
const ops = Object.entries(seen).map(([k, s]) => `${k} [${[...s].sort().join(' ')}]`);
console.log(`validate-answers: ${listed.length - failed} of ${listed.length} recorded answers match ${specPath} (Ajv ${ajvVersion}, strict, formats on)`);
for (const o of ops) console.log(`  ${o}`);
process.exit(failed ? 1 : 0);
