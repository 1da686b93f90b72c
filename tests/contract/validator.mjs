// Validation of Plenary protocol v1 messages against protocols/schemas/.
//
//   import { validateMessage } from "../contract/validator.mjs";
//   validateMessage("client", {type: "doc.open", id: 1, doc: 2805});          // -> []
//   validateMessage("server", {type: "ok", re: 1, ...}, "doc.open");          // ok reply to doc.open
//   validateMessage("server", {type: "error", re: 1, code: "not_found", message: "..."});
//   validateMessage("server", {type: "presence", seq: 1, ...});               // a push
//
// Every function returns a list of human-readable problems; an empty list means valid.
// Schemas are loaded from disk once (synchronously), with no network access.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const PROTOCOLS_DIR = fileURLToPath(new URL("../../protocols/", import.meta.url));
export const SCHEMAS_DIR = path.join(PROTOCOLS_DIR, "schemas");
export const SCHEMA_BASE_URI = "https://plenary.invalid/schemas/";

/** Schema files under protocols/schemas, as sorted POSIX paths relative to it ("client/hello.json"). */
export function listSchemaFiles(dir = SCHEMAS_DIR) {
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith(".json")) out.push(child);
    }
  };
  walk("");
  return out.sort();
}

/** Map from relative file name to parsed schema. Throws with the file name on invalid JSON. */
export function loadSchemas(dir = SCHEMAS_DIR) {
  const schemas = new Map();
  for (const file of listSchemaFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    try {
      schemas.set(file, JSON.parse(text));
    } catch (e) {
      throw new Error(`protocols/schemas/${file} is not valid JSON: ${e.message}`);
    }
  }
  return schemas;
}

/** A strict Ajv (draft 2020-12, with formats) holding every schema, so relative $refs resolve locally. */
export function createAjv(schemas) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const [file, schema] of schemas) {
    try {
      ajv.addSchema(schema);
    } catch (e) {
      throw new Error(`protocols/schemas/${file} could not be added to Ajv: ${e.message}`);
    }
  }
  return ajv;
}

const typesIn = (files, prefix) =>
  new Set(files.filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes("/"))
    .map((f) => f.slice(prefix.length, -".json".length)));

let state = null;
function getState() {
  if (!state) {
    const schemas = loadSchemas();
    const files = [...schemas.keys()];
    state = {
      schemas,
      ajv: createAjv(schemas),
      clientTypes: typesIn(files, "client/"),
      okTypes: typesIn(files, "server/ok/"),
      pushTypes: typesIn(files, "server/push/"),
    };
  }
  return state;
}

/** Message types that have a schema: {client, ok, push} as Sets of type names. */
export function knownTypes() {
  const s = getState();
  return { client: new Set(s.clientTypes), ok: new Set(s.okTypes), push: new Set(s.pushTypes) };
}

/**
 * The schema file (relative to protocols/schemas) that governs a message, or {problem}.
 * direction "client": client/<type>.json. direction "server": server/error.json for errors,
 * server/ok/<requestType>.json for ok replies, server/push/<type>.json for pushes.
 */
export function schemaFileFor(direction, msg, requestType) {
  const s = getState();
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
    return { problem: `a ${direction} message must be a JSON object, got ${JSON.stringify(msg)}` };
  }
  const type = msg.type;
  if (typeof type !== "string") return { problem: `message has no string "type": ${JSON.stringify(msg).slice(0, 200)}` };
  if (direction === "client") {
    if (!s.clientTypes.has(type)) return { problem: `unknown client message type "${type}" (no schemas/client/${type}.json)` };
    return { file: `client/${type}.json` };
  }
  if (direction !== "server") return { problem: `direction must be "client" or "server", got ${JSON.stringify(direction)}` };
  if (type === "error") return { file: "server/error.json" };
  if (type === "ok") {
    if (typeof requestType !== "string") {
      return { problem: `an ok reply can only be checked against the type of the client message it answers, and none was given (re=${JSON.stringify(msg.re)})` };
    }
    if (!s.okTypes.has(requestType)) return { problem: `ok reply to unknown client message type "${requestType}" (no schemas/server/ok/${requestType}.json)` };
    return { file: `server/ok/${requestType}.json` };
  }
  if (!s.pushTypes.has(type)) return { problem: `unknown pushed message type "${type}" (no schemas/server/push/${type}.json)` };
  return { file: `server/push/${type}.json` };
}

/** Ajv errors as readable lines. */
export function formatAjvErrors(errors, prefix = "") {
  return (errors ?? []).map((e) => {
    const at = e.instancePath || "(root)";
    let detail = "";
    if (e.keyword === "additionalProperties") detail = `: "${e.params.additionalProperty}"`;
    else if (e.keyword === "const") detail = `: ${JSON.stringify(e.params.allowedValue)}`;
    else if (e.keyword === "enum") detail = `: ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    return `${prefix}${at} ${e.message}${detail}`;
  });
}

/** Validates a value against one schema file ("defs/op.json"); returns problems. */
export function validateAgainst(file, value) {
  const s = getState();
  const schema = s.schemas.get(file);
  if (!schema) return [`no schema protocols/schemas/${file}`];
  const validate = s.ajv.getSchema(schema.$id);
  if (validate(value)) return [];
  return formatAjvErrors(validate.errors, `${file}: `);
}

/**
 * Validates one message. direction: "client" (sent by a browser) or "server" (received by one).
 * requestType: for a server "ok" reply, the type of the client message it answers.
 * Returns a list of problems (strings); [] when the message is valid.
 */
export function validateMessage(direction, msg, requestType) {
  const { file, problem } = schemaFileFor(direction, msg, requestType);
  if (problem) return [problem];
  return validateAgainst(file, msg);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const isMessageId = (v) => (typeof v === "string" && v.length > 0) || Number.isInteger(v);
// Codes that say the server could not read or dispatch the message: a message valid against its
// client schema must never get them.
const UNREADABLE_CODES = new Set(["bad_json", "unknown_type", "bad_utf8"]);

/**
 * Checks one recorded exchange {sent, received} from the integration tests' replies file.
 * - received `ok`: `sent` must be the client message it answers; the reply must match
 *   server/ok/<sent.type>.json, `re` must equal `sent.id`, and `sent` must match its client schema
 *   (the server accepted it).
 * - received `error`: must match server/error.json; `re` must be `sent.id` or null. `sent` may be
 *   deliberately malformed, but if it is a valid client message the code must not be one that
 *   says the message was unreadable (bad_json, unknown_type, bad_utf8).
 * - anything else is a push and must match server/push/<type>.json; `sent` is not used.
 * Returns {kind: "ok"|"error"|"push"|"invalid", problems: [...], sentValid: boolean|null}.
 */
export function checkExchange(record) {
  if (!isObject(record) || !("received" in record)) {
    return { kind: "invalid", problems: ['a record must be a JSON object {"sent": ..., "received": ...}'], sentValid: null };
  }
  const { sent = null, received } = record;
  if (!isObject(received) || typeof received.type !== "string") {
    return { kind: "invalid", problems: [`"received" must be a message object with a string type, got ${JSON.stringify(received)}`], sentValid: null };
  }
  const sentIsMessage = isObject(sent) && typeof sent.type === "string";
  const sentProblems = sentIsMessage ? validateMessage("client", sent) : null;
  const sentValid = sentProblems === null ? null : sentProblems.length === 0;
  const problems = [];

  if (received.type === "ok") {
    if (!sentIsMessage) {
      problems.push(`ok reply (re=${JSON.stringify(received.re)}) recorded without the client message it answers ("sent" is ${JSON.stringify(sent)})`);
      return { kind: "ok", problems, sentValid };
    }
    problems.push(...validateMessage("server", received, sent.type));
    if (!sentValid) problems.push(...sentProblems.map((p) => `server accepted an invalid ${sent.type} message: ${p}`));
    if (JSON.stringify(received.re) !== JSON.stringify(sent.id)) {
      problems.push(`ok reply re=${JSON.stringify(received.re)} does not echo the id ${JSON.stringify(sent.id)} of the ${sent.type} it answers`);
    }
    return { kind: "ok", problems, sentValid };
  }

  if (received.type === "error") {
    problems.push(...validateMessage("server", received));
    if (isObject(sent) && isMessageId(sent.id) && received.re !== null &&
        JSON.stringify(received.re) !== JSON.stringify(sent.id)) {
      problems.push(`error reply re=${JSON.stringify(received.re)} is neither null nor the id ${JSON.stringify(sent.id)} of the message it answers`);
    }
    if (sentValid && UNREADABLE_CODES.has(received.code)) {
      problems.push(`error code "${received.code}" for a ${sent.type} message that is valid against schemas/client/${sent.type}.json`);
    }
    return { kind: "error", problems, sentValid };
  }

  problems.push(...validateMessage("server", received));
  return { kind: "push", problems, sentValid };
}

/**
 * Reads a JSON-lines replies file and checks every record with checkExchange.
 * Returns {records, problems: ["line N: ..."], counts: {ok, error, push, invalid},
 *          seen: {ok: Set, push: Set, error: Set}, sentInvalidRejected}.
 * Throws if the file is missing or holds no records.
 */
export function checkRepliesFile(file) {
  if (!fs.existsSync(file)) throw new Error(`replies file ${file} does not exist`);
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const result = {
    records: 0, problems: [], counts: { ok: 0, error: 0, push: 0, invalid: 0 },
    seen: { ok: new Set(), error: new Set(), push: new Set() }, sentInvalidRejected: 0,
  };
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    result.records++;
    let record;
    try {
      record = JSON.parse(line);
    } catch (e) {
      result.counts.invalid++;
      result.problems.push(`line ${i + 1}: not JSON (${e.message}): ${line.slice(0, 120)}`);
      return;
    }
    const { kind, problems, sentValid } = checkExchange(record);
    result.counts[kind]++;
    if (kind === "ok" && typeof record.sent?.type === "string") result.seen.ok.add(record.sent.type);
    if (kind === "error") result.seen.error.add(record.received.code);
    if (kind === "push") result.seen.push.add(record.received.type);
    if (kind === "error" && sentValid === false) result.sentInvalidRejected++;
    for (const p of problems) result.problems.push(`line ${i + 1}: ${p}`);
  });
  if (result.records === 0) throw new Error(`replies file ${file} is empty (no records)`);
  return result;
}
