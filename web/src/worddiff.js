// Word-level diff for amendment previews, in the protocol's shape
// [{op: "equal"|"insert"|"delete", text}] (the same as the server's word diffs), and the
// ot-text-unicode op an edit makes. Pure: no DOM, unit-tested in test/worddiff.test.mjs.

/** Words (letters, digits, marks, inner apostrophes and hyphens), whitespace runs, single other characters. */
export function tokenize(s) {
  return String(s).match(/[\p{L}\p{N}\p{M}_]+(?:['’-][\p{L}\p{N}\p{M}_]+)*|\s+|[^\s]/gu) || [];
}

const MAX_CELLS = 400000; // beyond this the changed middle is shown as one delete and one insert

/** Word diff of a -> b: equal parts are shared, deletes come before inserts at each change. */
export function wordDiff(a, b) {
  const x = tokenize(a);
  const y = tokenize(b);
  let pre = 0;
  while (pre < x.length && pre < y.length && x[pre] === y[pre]) pre++;
  let suf = 0;
  while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf] === y[y.length - 1 - suf]) suf++;
  const xm = x.slice(pre, x.length - suf);
  const ym = y.slice(pre, y.length - suf);
  const out = [];
  const push = (op, text) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  push('equal', x.slice(0, pre).join(''));
  if (xm.length * ym.length > MAX_CELLS) {
    push('delete', xm.join(''));
    push('insert', ym.join(''));
  } else {
    // LCS table from the end: L[i][j] = LCS length of xm[i..], ym[j..].
    const n = xm.length; const m = ym.length;
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        L[i][j] = xm[i] === ym[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
      }
    }
    let i = 0; let j = 0;
    let del = ''; let ins = '';
    const flush = () => { push('delete', del); push('insert', ins); del = ''; ins = ''; };
    while (i < n || j < m) {
      if (i < n && j < m && xm[i] === ym[j]) { flush(); push('equal', xm[i]); i++; j++; }
      else if (j < m && (i === n || L[i][j + 1] >= L[i + 1][j])) { ins += ym[j]; j++; }
      else { del += xm[i]; i++; }
    }
    flush();
  }
  push('equal', x.slice(x.length - suf).join(''));
  return absorbSpaces(out);
}

// A lone space kept "equal" between two changes makes the diff hard to read: fold it into
// both sides, so each change is one delete followed by one insert.
function absorbSpaces(parts) {
  const runs = []; // {eq: text} | {del, ins}
  for (const p of parts) {
    const last = runs[runs.length - 1];
    if (p.op === 'equal') { runs.push({ eq: p.text }); continue; }
    let ch = last && last.eq == null ? last : null;
    if (!ch) { ch = { del: '', ins: '' }; runs.push(ch); }
    if (p.op === 'delete') ch.del += p.text; else ch.ins += p.text;
  }
  for (let k = 1; k + 1 < runs.length; k++) {
    const r = runs[k];
    if (r.eq != null && /^\s+$/.test(r.eq) && runs[k - 1].eq == null && runs[k + 1].eq == null) {
      const a = runs[k - 1]; const b = runs[k + 1];
      a.del += r.eq + b.del; a.ins += r.eq + b.ins;
      runs.splice(k, 2);
      k--;
    }
  }
  const out = [];
  for (const r of runs) {
    if (r.eq != null) { if (r.eq) out.push({ op: 'equal', text: r.eq }); continue; }
    if (r.del) out.push({ op: 'delete', text: r.del });
    if (r.ins) out.push({ op: 'insert', text: r.ins });
  }
  return out;
}

/** The text before (delete + equal) and after (insert + equal) a diff. */
export function diffSides(diff) {
  let before = ''; let after = '';
  for (const p of diff || []) {
    if (p.op !== 'insert') before += p.text;
    if (p.op !== 'delete') after += p.text;
  }
  return { before, after };
}

/** Counts of words removed and added, for a short summary ("3 words removed, 5 added"). */
export function diffStats(diff) {
  const words = (s) => tokenize(s).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  let removed = 0; let added = 0;
  for (const p of diff || []) {
    if (p.op === 'delete') removed += words(p.text);
    if (p.op === 'insert') added += words(p.text);
  }
  return { removed, added };
}

/** Apply an ot-text-unicode op (skip n / insert "s" / {d: n|"s"}) to a text, in code points. */
export function applyOp(text, op) {
  const cps = Array.from(text);
  let pos = 0;
  const out = [];
  for (const c of op || []) {
    if (typeof c === 'number') { out.push(...cps.slice(pos, pos + c)); pos += c; }
    else if (typeof c === 'string') out.push(c);
    else if (c && c.d != null) pos += typeof c.d === 'number' ? c.d : Array.from(c.d).length;
  }
  out.push(...cps.slice(pos));
  return out.join('');
}
