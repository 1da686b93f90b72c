// Contract tests for Plenary protocol v1: protocols/schemas/, protocols/errors.json,
// protocols/asyncapi.yaml and protocols/README.md must agree, and (when PLENARY_REPLIES names
// the integration tests' recording) the real server's replies must match the schemas.
//
// Run from the project root: node --test tests/contract/

import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";

import {
  PROTOCOLS_DIR, SCHEMAS_DIR, SCHEMA_BASE_URI, listSchemaFiles, loadSchemas, createAjv,
  formatAjvErrors, validateMessage, validateAgainst, knownTypes, checkExchange, checkRepliesFile,
} from "./validator.mjs";
import { readReadme, shapeKeys as readmeKeys } from "./readme.mjs";

const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
const schemaFiles = listSchemaFiles();
const schemas = loadSchemas();
const readme = readReadme();
const errorsDoc = JSON.parse(fs.readFileSync(path.join(PROTOCOLS_DIR, "errors.json"), "utf8"));
const errorCodes = errorsDoc.errors.map((e) => e.code);
const asyncapiText = fs.readFileSync(path.join(PROTOCOLS_DIR, "asyncapi.yaml"), "utf8");

const typeOf = (file, prefix) => file.slice(prefix.length, -".json".length);
const clientFiles = schemaFiles.filter((f) => f.startsWith("client/"));
const okFiles = schemaFiles.filter((f) => f.startsWith("server/ok/"));
const pushFiles = schemaFiles.filter((f) => f.startsWith("server/push/"));
const byId = new Map([...schemas].map(([file, s]) => [s.$id, { file, schema: s }]));

/** Every value of `key` anywhere inside a JSON value, with its JSON path. */
function collectKey(value, key, at = "", out = []) {
  if (Array.isArray(value)) value.forEach((v, i) => collectKey(v, key, `${at}/${i}`, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === key) out.push({ at: `${at}/${k}`, value: v });
      collectKey(v, key, `${at}/${k}`, out);
    }
  }
  return out;
}

/** Fails listing every problem (capped), or passes when there are none. */
function assertNoProblems(problems, what) {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 60).join("\n  ");
  assert.fail(`${problems.length} ${what}:\n  ${shown}${problems.length > 60 ? "\n  ..." : ""}`);
}

// ---------------------------------------------------------------------------------------------
// Walking schemas to compare them with the README.

/** A schema node with the base URI its relative $refs resolve against. */
const node = (schema, base) => ({ schema, base });
function deref(n) {
  if (n.schema && typeof n.schema.$ref === "string") {
    const target = byId.get(new URL(n.schema.$ref, n.base).href);
    if (!target) throw new Error(`unresolvable $ref ${n.schema.$ref} from ${n.base}`);
    return node(target.schema, target.schema.$id);
  }
  return null;
}
/** Properties and required names of a schema node, through $ref, allOf, oneOf and anyOf. */
function shapeOf(n) {
  const props = new Map(), required = new Set(), requiredSomewhere = new Set();
  const visit = (m, inBranch) => {
    const s = m.schema;
    if (!s || typeof s !== "object") return;
    const target = deref(m);
    if (target) visit(target, inBranch);
    for (const [k, v] of Object.entries(s.properties ?? {})) if (v !== false && !props.has(k)) props.set(k, node(v, m.base));
    for (const r of s.required ?? []) (inBranch ? requiredSomewhere : required).add(r);
    for (const sub of s.allOf ?? []) visit(node(sub, m.base), inBranch);
    for (const sub of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) visit(node(sub, m.base), true);
  };
  visit(n, false);
  return { props, required, requiredSomewhere };
}
/** The `items` schema of an array schema node, through $ref and allOf. */
function itemsOf(n) {
  if (n.schema.items) return node(n.schema.items, n.base);
  const target = deref(n);
  if (target) return itemsOf(target);
  for (const sub of n.schema.allOf ?? []) {
    const found = itemsOf(node(sub, n.base));
    if (found) return found;
  }
  return null;
}
/** The file a schema node is, or refers to ("defs/workshop.json"), or null. */
const fileOf = (n) => {
  const t = deref(n);
  return t ? byId.get(t.schema.$id).file : null;
};
/** Enum/const values a schema node allows, through $ref. */
function enumOf(n) {
  const t = deref(n);
  if (t) return enumOf(t);
  if (n.schema.enum) return n.schema.enum;
  if ("const" in n.schema) return [n.schema.const];
  return null;
}

/**
 * Compares README keys ({name, optional, value}) with a schema node: every key is a property,
 * required unless optional; nested README shapes ({...}, [{...}], [def], "a"|"b") are followed.
 */
function compareShape(n, keys, where, problems) {
  const { props, required } = shapeOf(n);
  for (const key of keys) {
    const at = `${where}.${key.name}`;
    const prop = props.get(key.name);
    if (!prop) { problems.push(`${at}: named in the README but not a property of the schema`); continue; }
    if (!key.optional && !required.has(key.name)) problems.push(`${at}: the README does not mark it optional but the schema does not require it`);
    if (key.optional && required.has(key.name)) problems.push(`${at}: the README marks it optional (?) but the schema requires it`);
    const v = key.value;
    if (!v || /^\{lang(: \w+)?\}$/.test(v)) continue; // a {lang: text} map
    let m;
    if ((m = v.match(/^\[\{(.*)\}\]$/s))) {
      const items = itemsOf(prop);
      if (!items) problems.push(`${at}: the README shows an array of objects but the schema has no items`);
      else compareShape(items, readmeKeys(m[1]), `${at}[]`, problems);
    } else if ((m = v.match(/^\{(.*)\}$/s))) {
      compareShape(prop, readmeKeys(m[1]), at, problems);
    } else if ((m = v.match(/^\[(\w+)\]$/))) {
      const items = itemsOf(prop);
      if (!items || fileOf(items) !== `defs/${m[1]}.json`) problems.push(`${at}: the README shows [${m[1]}] but the items are not defs/${m[1]}.json`);
    } else if (/^"[^"]*"(\|"[^"]*")+$/.test(v)) {
      const values = v.split("|").map((x) => JSON.parse(x));
      const allowed = enumOf(prop);
      if (!allowed || JSON.stringify([...allowed].sort()) !== JSON.stringify([...values].sort())) {
        problems.push(`${at}: the README allows ${v} but the schema allows ${JSON.stringify(allowed)}`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
describe("schemas: every file in protocols/schemas", () => {
  test("there are client, ok-reply, push, error and shared definition schemas", () => {
    assert.ok(clientFiles.length > 0, "no schemas/client/*.json");
    assert.ok(okFiles.length > 0, "no schemas/server/ok/*.json");
    assert.ok(pushFiles.length > 0, "no schemas/server/push/*.json");
    assert.ok(schemas.has("server/error.json"), "no schemas/server/error.json");
    assert.ok(schemaFiles.some((f) => f.startsWith("defs/")), "no schemas/defs/*.json");
    const stray = schemaFiles.filter((f) => !/^(client\/[^/]+|server\/ok\/[^/]+|server\/push\/[^/]+|server\/error|defs\/[^/]+)\.json$/.test(f));
    assert.deepEqual(stray, [], "schema files outside client/, server/ok/, server/push/, server/error.json, defs/");
  });

  test("every schema declares draft 2020-12 and an $id that is its path under https://plenary.invalid/schemas/", () => {
    const problems = [];
    for (const [file, s] of schemas) {
      if (s.$schema !== DRAFT_2020_12) problems.push(`${file}: $schema is ${JSON.stringify(s.$schema)}`);
      if (s.$id !== SCHEMA_BASE_URI + file) problems.push(`${file}: $id is ${JSON.stringify(s.$id)}, expected ${SCHEMA_BASE_URI + file}`);
      if (typeof s.title !== "string" || typeof s.description !== "string" || !s.description) problems.push(`${file}: needs a title and a description`);
    }
    assertNoProblems(problems, "schemas with a wrong header");
  });

  test("every $ref is relative and points to an existing schema file (no network fetches)", () => {
    const problems = [];
    for (const [file, s] of schemas) {
      for (const { at, value } of collectKey(s, "$ref")) {
        if (typeof value !== "string" || /^[a-z]+:/i.test(value)) { problems.push(`${file}${at}: ${JSON.stringify(value)} is not a relative reference`); continue; }
        if (value.startsWith("#")) continue;
        const target = new URL(value, s.$id).href.split("#")[0];
        if (!byId.has(target)) problems.push(`${file}${at}: ${value} resolves to ${target}, which is no schema file`);
      }
    }
    assertNoProblems(problems, "broken $refs");
  });

  const ajv = createAjv(schemas);
  for (const [file, s] of schemas) {
    test(`${file} compiles with Ajv 2020 (strict mode) and its examples validate`, () => {
      let validate;
      try {
        validate = ajv.getSchema(s.$id);
      } catch (e) {
        assert.fail(`${file} does not compile: ${e.message}`);
      }
      assert.equal(typeof validate, "function", `${file} was not registered in Ajv`);
      assert.ok(Array.isArray(s.examples) && s.examples.length > 0, `${file} has no examples`);
      s.examples.forEach((example, i) => {
        const valid = validate(example);
        assert.ok(valid, `${file} examples[${i}] is invalid:\n  ${formatAjvErrors(validate.errors).join("\n  ")}\n  ${JSON.stringify(example)}`);
      });
    });
  }
});

describe("schemas: message conventions", () => {
  test("client schemas: type is the file name, id and type are required, no additional properties", () => {
    const problems = [];
    for (const file of clientFiles) {
      const s = schemas.get(file);
      const type = typeOf(file, "client/");
      if (s.properties?.type?.const !== type) problems.push(`${file}: properties.type must be {"const": "${type}"}`);
      if (s.properties?.id?.$ref !== "../defs/message-id.json") problems.push(`${file}: properties.id must $ref ../defs/message-id.json`);
      for (const r of ["type", "id"]) if (!s.required?.includes(r)) problems.push(`${file}: "${r}" must be required`);
      if (s.additionalProperties !== false) problems.push(`${file}: client messages must have additionalProperties: false`);
      for (const ex of s.examples ?? []) if (ex.type !== type) problems.push(`${file}: an example has type ${JSON.stringify(ex.type)}`);
    }
    assertNoProblems(problems, "client schema convention violations");
  });

  test("ok-reply schemas require type \"ok\" and re; there is exactly one per client message type", () => {
    const problems = [];
    for (const file of okFiles) {
      const s = schemas.get(file);
      if (s.properties?.type?.const !== "ok") problems.push(`${file}: properties.type must be {"const": "ok"}`);
      for (const r of ["type", "re"]) if (!s.required?.includes(r)) problems.push(`${file}: "${r}" must be required`);
    }
    assertNoProblems(problems, "ok-reply schema convention violations");
    assert.deepEqual(okFiles.map((f) => typeOf(f, "server/ok/")), clientFiles.map((f) => typeOf(f, "client/")),
      "server/ok/<type>.json and client/<type>.json must exist for the same types");
  });

  test("push schemas: type is the file name and seq is required (except revoked, which has no subscription)", () => {
    const problems = [];
    for (const file of pushFiles) {
      const s = schemas.get(file);
      const type = typeOf(file, "server/push/");
      if (s.properties?.type?.const !== type) problems.push(`${file}: properties.type must be {"const": "${type}"}`);
      if (type !== "revoked" && !s.required?.includes("seq")) problems.push(`${file}: "seq" must be required`);
      if (["ok", "error"].includes(type)) problems.push(`${file}: a push cannot be named ${type}`);
    }
    assertNoProblems(problems, "push schema convention violations");
  });

  test("push types do not collide with client message types", () => {
    const clientTypes = new Set(clientFiles.map((f) => typeOf(f, "client/")));
    assert.deepEqual(pushFiles.map((f) => typeOf(f, "server/push/")).filter((t) => clientTypes.has(t)), []);
  });
});

describe("schemas reject messages the protocol forbids", () => {
  const invalid = [
    ["client", "login with both an access code and a password", { type: "login", id: 1, forum: 3, code: "M7QK-4RZD", email: "a@example.org", password: "x" }],
    ["client", "login with an access code and an email", { type: "login", id: 1, forum: 3, code: "M7QK-4RZD", email: "a@example.org" }],
    ["client", "login with neither code nor email/password", { type: "login", id: 1, forum: 3 }],
    ["client", "a client message without id", { type: "forum.list" }],
    ["client", "a client message with an unknown field", { type: "forum.get", id: 1, forum: 3, verbose: true }],
    ["client", "hello with protocol 2", { type: "hello", id: 1, protocol: 2 }],
    ["client", "register with a 7-character password", { type: "register", id: 1, forum: 3, name: "Rahel", email: "r@example.org", password: "1234567", organisation: 13, country: "IT", languages: ["ti"] }],
    ["client", "register with a new organisation missing its constituency", { type: "register", id: 1, forum: 3, name: "Rahel", email: "r@example.org", password: "12345678", organisation: { name: "X", country: "IT" }, country: "IT", languages: ["ti"] }],
    ["client", "a forum id of 0", { type: "forum.get", id: 1, forum: 0 }],
    ["client", "a language that is not a 2-3 letter code", { type: "hello", id: 1, protocol: 1, lang: "french" }],
    ["client", "an unknown role", { type: "delegate.roles", id: 1, delegate: 101, roles: ["president"] }],
    ["client", "doc.op with an op that only skips", { type: "doc.op", id: 1, doc: 2805, rev: 3, op: [5], opid: "a" }],
    ["client", "doc.op with a zero skip", { type: "doc.op", id: 1, doc: 2805, rev: 3, op: [0, "x"], opid: "a" }],
    ["client", "doc.op with an empty insert", { type: "doc.op", id: 1, doc: 2805, rev: 3, op: [2, ""], opid: "a" }],
    ["client", "doc.op with {d: 0}", { type: "doc.op", id: 1, doc: 2805, rev: 3, op: [{ d: 0 }], opid: "a" }],
    ["client", "doc.op with a negative revision", { type: "doc.op", id: 1, doc: 2805, rev: -1, op: ["x"], opid: "a" }],
    ["client", "clause.move without after", { type: "clause.move", id: 1, clause: 702 }],
    ["server", "an ok reply to register whose delegate is already accredited", { type: "ok", re: 1, token: "t", expires: "2025-10-19T23:59:59Z", delegate: { id: 102, forum: 3, name: "Tomás", organisation: 14, country: "ES", region: null, languages: ["es"], roles: ["delegate"], status: "accredited" } }, "register"],
    ["server", "an ok reply to login without token", { type: "ok", re: 1, expires: "2025-10-19T23:59:59Z", delegate: {} }, "login"],
    ["server", "an ok reply to doc.open with both text and ops", { type: "ok", re: 1, doc: 2805, rev: 1, lang: "fr", status: "original", clause: 702, text: "x", ops: [] }, "doc.open"],
    ["server", "an ok reply without re", { type: "ok", forums: [] }, "forum.list"],
    ["server", "an error with a code not in errors.json", { type: "error", re: 1, code: "forbidden", message: "no" }],
    ["server", "an error without message", { type: "error", re: 1, code: "not_found" }],
    ["server", "a presence push without seq", { type: "presence", room: 22, count: 1, joined: [{ delegate: 101, name: "Amina Diallo", organisation: 11 }], left: [] }],
    ["server", "a presence push with seq 0", { type: "presence", seq: 0, room: 22, count: 1, joined: [{ delegate: 101, name: "Amina Diallo", organisation: 11 }], left: [] }],
    ["server", "a presence push with joined but no left", { type: "presence", seq: 1, room: 22, count: 1, joined: [{ delegate: 101, name: "Amina Diallo", organisation: 11 }] }],
    ["server", "a presence push with both changes and the full list", { type: "presence", seq: 1, room: 22, count: 1, joined: [], left: [], present: [] }],
    ["server", "a presence push with event but no changes", { type: "presence", seq: 1, room: 22, count: 1, event: "join", delegate: { delegate: 101, name: "Amina Diallo", organisation: 11 } }],
    ["server", "an ok reply to room.join without count", { type: "ok", re: 1, room: 22, present: [] }, "room.join"],
    ["server", "a doc.ops push with an empty batch", { type: "doc.ops", seq: 1, doc: 2805, ops: [] }],
  ];
  for (const [direction, what, msg, requestType] of invalid) {
    test(`rejects ${what}`, () => {
      const problems = validateMessage(direction, msg, requestType);
      assert.ok(problems.length > 0, `${JSON.stringify(msg)} was accepted`);
    });
  }
});

describe("validator.mjs: validateMessage routes messages to schemas", () => {
  test("a valid client message has no problems", () => {
    assert.deepEqual(validateMessage("client", { type: "doc.open", id: 27, doc: 2805, since: 12 }), []);
  });
  test("an ok reply is checked against server/ok/<request type>.json", () => {
    const reply = { type: "ok", re: 4, forums: [] };
    assert.deepEqual(validateMessage("server", reply, "forum.list"), []);
    assert.ok(validateMessage("server", reply, "forum.get").length > 0, "a forum.list reply passed as a forum.get reply");
  });
  test("an ok reply without a request type is a problem", () => {
    assert.match(validateMessage("server", { type: "ok", re: 1 }).join(), /request|answers/);
  });
  test("unknown client and push types are problems", () => {
    assert.match(validateMessage("client", { type: "forum.delete", id: 1 }).join(), /unknown client message type/);
    assert.match(validateMessage("server", { type: "doc.snapshot", seq: 1 }).join(), /unknown pushed message type/);
    assert.match(validateMessage("server", { type: "ok", re: 1 }, "../defs/id").join(), /unknown client message type/);
  });
  test("non-objects and messages without a type are problems", () => {
    assert.ok(validateMessage("client", "hello").length > 0);
    assert.ok(validateMessage("server", { re: 1 }).length > 0);
    assert.ok(validateMessage("server", null).length > 0);
  });
  test("validateAgainst checks a value against a shared definition", () => {
    assert.deepEqual(validateAgainst("defs/op.json", [3, "x", { d: "ab" }]), []);
    assert.ok(validateAgainst("defs/op.json", [{ d: -1 }]).length > 0);
  });
});

// ---------------------------------------------------------------------------------------------
describe("errors.json", () => {
  test("is a list of {code, meaning, when} with unique snake_case codes and non-empty texts", () => {
    assert.ok(Array.isArray(errorsDoc.errors), "errors.json must have an errors array");
    const problems = [];
    for (const e of errorsDoc.errors) {
      if (!/^[a-z][a-z0-9_]*$/.test(e.code ?? "")) problems.push(`bad code ${JSON.stringify(e.code)}`);
      for (const k of ["meaning", "when"]) if (typeof e[k] !== "string" || e[k].trim().length < 10) problems.push(`${e.code}: "${k}" must be a sentence`);
      const extra = Object.keys(e).filter((k) => !["code", "meaning", "when"].includes(k));
      if (extra.length) problems.push(`${e.code}: unexpected keys ${extra.join(", ")}`);
    }
    assertNoProblems(problems, "malformed error entries");
    assert.equal(new Set(errorCodes).size, errorCodes.length, "duplicate error codes");
  });

  test("its codes are exactly the README's list of error codes", () => {
    assert.ok(readme.errorCodes.length > 0, "found no error codes in README.md");
    assert.deepEqual([...errorCodes].sort(), [...readme.errorCodes].sort());
  });

  test("defs/error-code.json enumerates exactly the codes of errors.json", () => {
    assert.deepEqual([...schemas.get("defs/error-code.json").enum].sort(), [...errorCodes].sort());
  });

  test("every error code used in a schema example is in errors.json", () => {
    const used = schemas.get("defs/error-code.json").examples.map((code) => ({ file: "defs/error-code.json", code }));
    const errorObjects = (v, out = []) => {
      if (Array.isArray(v)) v.forEach((x) => errorObjects(x, out));
      else if (v && typeof v === "object") {
        if (v.type === "error") out.push(v);
        Object.values(v).forEach((x) => errorObjects(x, out));
      }
      return out;
    };
    for (const [file, s] of schemas) {
      for (const e of errorObjects(s.examples ?? [])) used.push({ file, code: e.code });
    }
    assert.ok(used.length > 0, "no error examples found");
    assertNoProblems(used.filter((u) => !errorCodes.includes(u.code)).map((u) => `${u.file}: ${u.code}`), "unknown error codes in examples");
  });

  test("every error code the README lists for a message is in errors.json", () => {
    const problems = [];
    for (const [type, m] of readme.messages) for (const code of m.errors) if (!errorCodes.includes(code)) problems.push(`${type}: ${code}`);
    assertNoProblems(problems, "unknown error codes in README tables");
  });
});

// ---------------------------------------------------------------------------------------------
describe("asyncapi.yaml", () => {
  let doc;
  test("parses as YAML and is an AsyncAPI 3.0.x document with title, version and description", () => {
    doc = YAML.parse(asyncapiText);
    assert.match(String(doc.asyncapi), /^3\.0\.\d+$/, "asyncapi must be 3.0.x");
    assert.equal(typeof doc.info?.title, "string");
    assert.equal(typeof doc.info?.version, "string");
  });

  const get = () => doc ?? (doc = YAML.parse(asyncapiText));

  test("info.description covers the envelope, limits, seq semantics and close codes 1007, 1008, 1009", () => {
    const d = get().info.description;
    for (const needle of ["re", "seq", "--max-frame", "--max-msg-rate", "too_large", "rate_limited", "1007", "1008", "1009", "Origin", "revoked"]) {
      assert.ok(d.includes(needle), `info.description does not mention ${needle}`);
    }
  });

  test("has one channel, at address /ws, listing every message", () => {
    const channels = Object.values(get().channels ?? {});
    assert.equal(channels.length, 1, "exactly one channel");
    assert.equal(channels[0].address, "/ws");
    assert.deepEqual(Object.keys(channels[0].messages).sort(), Object.keys(get().components.messages).sort());
  });

  test("every internal $ref (#/...) resolves inside the document", () => {
    const problems = [];
    for (const { at, value } of collectKey(get(), "$ref")) {
      if (!value.startsWith("#")) continue;
      let target = get();
      for (const part of value.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))) {
        target = target?.[part];
      }
      if (target === undefined) problems.push(`${at}: ${value}`);
    }
    assertNoProblems(problems, "unresolved internal $refs");
  });

  test("every file $ref resolves to an existing schema file, and every schema file is referenced", () => {
    const referenced = new Set();
    const problems = [];
    for (const { at, value } of collectKey(get(), "$ref")) {
      if (value.startsWith("#")) continue;
      if (/^[a-z]+:/i.test(value)) { problems.push(`${at}: ${value} is not relative`); continue; }
      const abs = path.resolve(PROTOCOLS_DIR, value.split("#")[0]);
      const rel = path.relative(SCHEMAS_DIR, abs).split(path.sep).join("/");
      if (!fs.existsSync(abs)) problems.push(`${at}: ${value} does not exist`);
      else if (!schemas.has(rel)) problems.push(`${at}: ${value} is not a file under protocols/schemas/`);
      else referenced.add(rel);
    }
    assertNoProblems(problems, "broken file $refs");
    assert.deepEqual(schemaFiles.filter((f) => !referenced.has(f)), [], "schema files not referenced by asyncapi.yaml");
  });

  test("every client message has a receive operation replying with its ok message or error", () => {
    const d = get();
    const ops = Object.values(d.operations ?? {});
    const problems = [];
    for (const file of clientFiles) {
      const type = typeOf(file, "client/");
      const msgRef = (name) => `#/channels/ws/messages/${name}`;
      const op = ops.find((o) => o.action === "receive" && o.messages?.some((m) => m.$ref === msgRef(type)));
      if (!op) { problems.push(`${type}: no receive operation`); continue; }
      const replies = (op.reply?.messages ?? []).map((m) => m.$ref).sort();
      if (JSON.stringify(replies) !== JSON.stringify([msgRef("error"), msgRef(`ok.${type}`)].sort())) problems.push(`${type}: reply messages are ${replies.join(", ")}`);
      const payload = d.components.messages[type]?.payload?.schema?.$ref;
      if (payload !== `./schemas/${file}`) problems.push(`${type}: payload $ref is ${payload}`);
      const okPayload = d.components.messages[`ok.${type}`]?.payload?.schema?.$ref;
      if (okPayload !== `./schemas/server/ok/${type}.json`) problems.push(`ok.${type}: payload $ref is ${okPayload}`);
    }
    assertNoProblems(problems, "client messages not described correctly");
  });

  test("every push has a send operation whose message payload is its push schema", () => {
    const d = get();
    const ops = Object.values(d.operations ?? {});
    const problems = [];
    for (const file of pushFiles) {
      const type = typeOf(file, "server/push/");
      const op = ops.find((o) => o.action === "send" && o.messages?.some((m) => m.$ref === `#/channels/ws/messages/push.${type}`));
      if (!op) problems.push(`${type}: no send operation`);
      if (d.components.messages[`push.${type}`]?.payload?.schema?.$ref !== `./schemas/${file}`) problems.push(`push.${type}: wrong payload`);
    }
    assertNoProblems(problems, "pushes not described correctly");
  });

  test("x-errors and x-common-errors use only errors.json codes, and every code appears somewhere", () => {
    const d = get();
    const used = new Set(d["x-common-errors"] ?? []);
    for (const m of Object.values(d.components.messages)) for (const c of m["x-errors"] ?? []) used.add(c);
    assert.deepEqual([...used].filter((c) => !errorCodes.includes(c)), [], "codes not in errors.json");
    assert.deepEqual(errorCodes.filter((c) => !used.has(c)), [], "errors.json codes no message can get");
  });

  test("each message's x-errors include the errors the README lists for it", () => {
    const d = get();
    const problems = [];
    for (const [type, m] of readme.messages) {
      const listed = new Set([...(d.components.messages[type]?.["x-errors"] ?? []), ...(d["x-common-errors"] ?? [])]);
      for (const code of m.errors) if (!listed.has(code)) problems.push(`${type}: ${code}`);
    }
    assertNoProblems(problems, "README errors missing from asyncapi x-errors");
  });
});

// ---------------------------------------------------------------------------------------------
describe("README.md and the schemas agree", () => {
  const clientTypes = clientFiles.map((f) => typeOf(f, "client/"));
  const pushTypes = pushFiles.map((f) => typeOf(f, "server/push/"));

  test("the client message types in the README tables are exactly those with schemas", () => {
    assert.ok(readme.messages.size > 20, `found only ${readme.messages.size} messages in README tables`);
    assert.deepEqual([...readme.messages.keys()].sort(), [...clientTypes].sort());
  });

  test("the pushed events in the README are exactly those with schemas", () => {
    assert.ok(readme.pushes.size > 5, `found only ${readme.pushes.size} pushes in the README`);
    assert.deepEqual([...readme.pushes.keys()].sort(), [...pushTypes].sort());
  });

  test("client schemas declare exactly the README's fields, required unless marked ?", () => {
    const problems = [];
    for (const [type, m] of readme.messages) {
      const s = schemas.get(`client/${type}.json`);
      if (!s) continue;
      const { props, required, requiredSomewhere } = shapeOf(node(s, s.$id));
      const names = new Set(m.fields.map((f) => f.name));
      for (const f of m.fields) {
        if (!props.has(f.name)) problems.push(`${type}.${f.name}: in the README, not in the schema`);
        else if (!f.optional && !required.has(f.name) && !requiredSomewhere.has(f.name)) problems.push(`${type}.${f.name}: required in the README, optional in the schema`);
        else if (f.optional && (required.has(f.name) || requiredSomewhere.has(f.name))) problems.push(`${type}.${f.name}: optional in the README, required in the schema`);
      }
      for (const p of props.keys()) if (!["type", "id"].includes(p) && !names.has(p)) problems.push(`${type}.${p}: in the schema, not in the README`);
    }
    assertNoProblems(problems, "differences between README fields and client schemas");
  });

  test("ok-reply schemas declare the README's reply fields, required unless optional or alternatives", () => {
    const problems = [];
    for (const [type, m] of readme.messages) {
      const s = schemas.get(`server/ok/${type}.json`);
      if (!s) continue;
      const { props, required } = shapeOf(node(s, s.$id));
      for (const f of m.reply) {
        if (!props.has(f.name)) problems.push(`ok ${type}.${f.name}: in the README, not in the schema`);
        else if (!f.optional && !f.alternative && !required.has(f.name)) problems.push(`ok ${type}.${f.name}: promised by the README but not required`);
      }
    }
    assertNoProblems(problems, "differences between README replies and ok schemas");
  });

  test("push schemas require the README's fields, with the shapes it shows", () => {
    const problems = [];
    for (const [type, keys] of readme.pushes) {
      const s = schemas.get(`server/push/${type}.json`);
      if (s) compareShape(node(s, s.$id), keys, type, problems);
    }
    assertNoProblems(problems, "differences between README pushes and push schemas");
  });

  test("the objects the README defines (forum, programme, workshop, delegate, ...) match defs/", () => {
    assert.ok(readme.shapes.size >= 8, `found only ${readme.shapes.size} object shapes in the README`);
    const problems = [];
    for (const [name, keys] of readme.shapes) {
      const s = schemas.get(`defs/${name}.json`);
      if (!s) { problems.push(`no defs/${name}.json for the README's ${name} object`); continue; }
      compareShape(node(s, s.$id), keys, name, problems);
    }
    assertNoProblems(problems, "differences between README objects and defs");
  });

  test("the README's enumerations (roles, statuses, constituencies, phases, document statuses) match defs/", () => {
    for (const [name, values] of Object.entries(readme.enums)) {
      assert.ok(values && values.length > 1, `could not read the ${name} list from the README`);
      assert.deepEqual([...schemas.get(`defs/${name}.json`).enum].sort(), [...values].sort(), `defs/${name}.json`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe("replies recorded by the integration tests (PLENARY_REPLIES)", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plenary-contract-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const writeLines = (name, records) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
    return file;
  };
  const firstExample = (file) => schemas.get(file).examples[0];

  test("self-check: a recording built from the schema examples passes", () => {
    const records = [];
    for (const file of clientFiles) {
      const type = typeOf(file, "client/");
      const sent = firstExample(file);
      records.push({ sent, received: { ...firstExample(`server/ok/${type}.json`), re: sent.id } });
    }
    for (const file of pushFiles) records.push({ sent: null, received: firstExample(file) });
    records.push({ sent: null, received: firstExample("server/error.json") });
    records.push({ sent: { type: "room.join", id: 6 }, received: { type: "error", re: 6, code: "bad_message", message: "room.join needs room" } });
    const result = checkRepliesFile(writeLines("good.jsonl", records));
    assertNoProblems(result.problems, "problems in a recording made of valid examples");
    assert.equal(result.counts.ok, clientFiles.length);
    assert.equal(result.counts.push, pushFiles.length);
    assert.equal(result.sentInvalidRejected, 1);
  });

  test("self-check: a bad recording is reported line by line", () => {
    const hello = { type: "hello", id: 1, protocol: 1 };
    const lines = [
      { sent: hello, received: { type: "ok", re: 1, server: "plenary/0.1.0" } },                       // 1: protocol missing
      { sent: null, received: { type: "ok", re: 2, forums: [] } },                                   // 2: ok without request
      { sent: null, received: { type: "doc.snapshot", seq: 1, doc: 2805 } },                         // 3: unknown push
      { sent: hello, received: { type: "ok", re: 7, protocol: 1, server: "plenary" } },              // 4: re mismatch
      { sent: { type: "hello", id: 5, protocol: 1, debug: true }, received: { type: "ok", re: 5, protocol: 1, server: "p" } }, // 5: invalid sent accepted
      "{not json",                                                                                     // 6
      { sent: hello, received: { type: "error", re: 1, code: "unknown_type", message: "?" } },       // 7: valid message called unknown
      { sent: { type: "forum.delete", id: 8 }, received: { type: "ok", re: 8 } },                    // 8: ok to unknown type
      { sent: hello, received: { type: "error", re: 1, code: "nope", message: "?" } },                // 9: unknown code
    ];
    const result = checkRepliesFile(writeLines("bad.jsonl", lines));
    const linesWithProblems = new Set(result.problems.map((p) => Number(p.match(/^line (\d+):/)[1])));
    assert.deepEqual([...linesWithProblems].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9], result.problems.join("\n"));
  });

  test("self-check: a missing or empty recording is an error, not a pass", () => {
    assert.throws(() => checkRepliesFile(path.join(tmp, "absent.jsonl")), /does not exist/);
    assert.throws(() => checkRepliesFile(writeLines("empty.jsonl", [""])), /empty/);
  });

  test("checkExchange maps ok to server/ok/<sent.type>, error to server/error, others to server/push/<type>", () => {
    const sent = { type: "session.revoke", id: 14, delegate: 106 };
    assert.deepEqual(checkExchange({ sent, received: { type: "ok", re: 14, revoked: 2 } }).problems, []);
    assert.ok(checkExchange({ sent: { type: "doc.close", id: 14, doc: 2805 }, received: { type: "ok", re: 14, revoked: 2 } }).problems.length === 0,
      "an ok reply with extra fields is valid for doc.close (server messages may carry more fields)");
    assert.ok(checkExchange({ sent, received: { type: "ok", re: 14 } }).problems.length > 0, "session.revoke's ok must carry revoked");
    assert.equal(checkExchange({ sent, received: { type: "error", re: 14, code: "not_allowed", message: "organisers only" } }).kind, "error");
    assert.equal(checkExchange({ sent, received: { type: "revoked", reason: "revoked" } }).kind, "push");
  });

  const file = process.env.PLENARY_REPLIES;
  test("every recorded server message matches its schema, and every accepted client message matches its schema",
    { skip: file ? false : "PLENARY_REPLIES is not set: no recording of server replies to check (the integration test runner sets it)" },
    (t) => {
      if (!fs.existsSync(file)) assert.fail(`PLENARY_REPLIES=${file} but that file does not exist: did the integration tests run and record their replies?`);
      if (fs.readFileSync(file, "utf8").trim() === "") assert.fail(`PLENARY_REPLIES=${file} is empty: the integration tests recorded no replies`);
      const result = checkRepliesFile(file);
      const known = knownTypes();
      t.diagnostic(`${result.records} records: ${result.counts.ok} ok, ${result.counts.error} error, ${result.counts.push} push, ${result.counts.invalid} unreadable`);
      t.diagnostic(`ok replies seen for ${result.seen.ok.size}/${known.ok.size} message types; pushes seen: ${[...result.seen.push].sort().join(", ") || "none"}`);
      t.diagnostic(`error codes seen: ${[...result.seen.error].sort().join(", ") || "none"}; deliberately invalid messages rejected: ${result.sentInvalidRejected}`);
      const missing = [...known.ok].filter((x) => !result.seen.ok.has(x));
      if (missing.length) t.diagnostic(`no ok reply recorded for: ${missing.join(", ")}`);
      assertNoProblems(result.problems, `problems in ${file}`);
    });
});
