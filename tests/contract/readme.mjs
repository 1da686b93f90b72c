// Reads the facts the contract tests compare against out of protocols/README.md (the prose
// specification): message tables, pushed events, object shapes, enumerations, error codes.

import fs from "node:fs";
import path from "node:path";
import { PROTOCOLS_DIR } from "./validator.mjs";

export const README_PATH = path.join(PROTOCOLS_DIR, "README.md");

const stripParens = (s) => {
  let prev;
  do { prev = s; s = s.replace(/\([^()]*\)/g, ""); } while (s !== prev);
  return s;
};

/** Field names in a README table cell: [{name, optional, alternative}] (parenthesised notes dropped). */
export function cellFields(cell) {
  const out = [];
  for (const segment of stripParens(cell).split(",")) {
    const alternative = /\bor\b/.test(segment);
    for (const m of segment.matchAll(/`([a-z0-9_]+)`(\?)?/g)) {
      out.push({ name: m[1], optional: m[2] === "?", alternative });
    }
  }
  return out;
}

const splitRow = (line) => line.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) => c.trim());

/**
 * The message tables: Map type -> {fields: [...], reply: [...], errors: [codes], sameReply}.
 * A type listed on several rows (login) gets the union of its fields.
 */
export function messageTables(text) {
  const lines = text.split("\n");
  const messages = new Map();
  let header = null;
  for (const line of lines) {
    if (!line.trim().startsWith("|")) { header = null; continue; }
    const cells = splitRow(line);
    if (cells[0] === "type") { header = cells; continue; }
    if (!header || /^-+$/.test(cells[0])) continue;
    const m = cells[0].match(/^`([a-z0-9_.]+)`$/);
    if (!m) continue;
    const col = (name) => cells[header.indexOf(name)] ?? "";
    const entry = messages.get(m[1]) ?? { fields: [], reply: [], errors: [], rows: 0 };
    entry.rows++;
    entry.fields.push(...cellFields(col("fields")));
    if (col("ok reply").trim() !== "same") entry.reply.push(...cellFields(col("ok reply")));
    if (header.includes("errors")) entry.errors.push(...[...stripParens(col("errors")).matchAll(/`([a-z0-9_]+)`/g)].map((x) => x[1]));
    messages.set(m[1], entry);
  }
  return messages;
}

/** Top-level keys of a `{...}` shape from the README: [{name, optional, value}]. */
export function shapeKeys(body) {
  const parts = [];
  let depth = 0, quoted = false, current = "";
  for (const ch of body) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === "{" || ch === "[")) depth++;
    if (!quoted && (ch === "}" || ch === "]")) depth--;
    if (!quoted && depth === 0 && ch === ",") { parts.push(current); current = ""; continue; }
    current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => {
    const i = p.indexOf(":");
    const key = (i < 0 ? p : p.slice(0, i)).trim();
    return { name: key.replace(/\?$/, ""), optional: key.endsWith("?"), value: i < 0 ? null : p.slice(i + 1).trim() };
  });
}

/** Pushed events: Map type -> keys, from the "- `type {keys}`" bullets. */
export function pushedEvents(text) {
  const pushes = new Map();
  for (const m of text.matchAll(/^- `([a-z0-9_.]+) \{([^`]*)\}`/gm)) pushes.set(m[1], shapeKeys(m[2]));
  return pushes;
}

/** Object shapes: Map name -> keys, from "`name`: `{...}`", "`name` object: `{...}`", "`name` summary: `{...}`". */
export function objectShapes(text) {
  const shapes = new Map();
  for (const m of text.matchAll(/`([a-z0-9_]+)`( object| summary)?:\s+`\{([^`]*)\}`/g)) {
    const name = m[2] === " summary" ? `${m[1]}-summary` : m[1];
    shapes.set(name, shapeKeys(m[3].replace(/\s+/g, " ")));
  }
  return shapes;
}

const codesAfter = (text, intro, until) => {
  const start = text.indexOf(intro);
  if (start < 0) return null;
  const rest = text.slice(start + intro.length);
  const end = rest.search(until);
  return [...rest.slice(0, end < 0 ? undefined : end).matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]);
};

/** Enumerations stated in the prose. */
export function enumerations(text) {
  return {
    role: codesAfter(text, "Roles per forum:", /\.\s/),
    status: codesAfter(text, "Accreditation status:", /\(/),
    constituency: codesAfter(text, "with constituency one of", /\.\s/),
    phase: codesAfter(text, "Phases of a declaration:", /\(/),
    "doc-status": codesAfter(text, "Document status per language:", /\.\s/),
  };
}

/** The error codes listed under "## Error codes" (after the mention of errors.json). */
export function errorCodes(text) {
  const section = text.slice(text.indexOf("## Error codes"));
  const afterColon = section.slice(section.indexOf(":") + 1);
  return [...afterColon.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]);
}

export function readReadme() {
  const text = fs.readFileSync(README_PATH, "utf8");
  return {
    text,
    messages: messageTables(text),
    pushes: pushedEvents(text),
    shapes: objectShapes(text),
    enums: enumerations(text),
    errorCodes: errorCodes(text),
  };
}
