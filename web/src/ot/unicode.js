// Conversions between UTF-16 offsets (what the DOM uses) and Unicode code point offsets
// (what the protocol and ot-text-unicode use), and the edit diff of a textarea.

/** Number of code points in s. */
export function cpLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** UTF-16 offset -> code point offset. */
export const utf16ToCp = (s, off) => cpLength(s.slice(0, off));

/** Code point offset -> UTF-16 offset (clamped to the string). */
export function cpToUtf16(s, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length
      && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) ? 2 : 1;
  }
  return i;
}

/**
 * The ot-text-unicode op that turns oldText into newText, as one replaced range found by
 * common prefix and suffix, counted in code points. `caret` (code points in newText, optional)
 * breaks ties: typing "a" into "aa" is an insert at the caret, not at the end.
 */
export function diffOp(oldText, newText, caret) {
  if (oldText === newText) return [];
  const a = Array.from(oldText);
  const b = Array.from(newText);
  const min = Math.min(a.length, b.length);
  let pre = 0;
  let suf = 0;
  if (caret == null) {
    while (pre < min && a[pre] === b[pre]) pre++;
    while (suf < min - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  } else {
    // The edited range ends at the caret, so the common suffix may not reach before it.
    const maxSuf = Math.min(min, Math.max(0, b.length - caret));
    while (suf < maxSuf && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
    while (pre < min - suf && a[pre] === b[pre]) pre++;
  }
  const del = a.length - pre - suf;
  const ins = b.slice(pre, b.length - suf).join('');
  const op = [];
  if (pre > 0) op.push(pre);
  if (del > 0) op.push({ d: del });
  if (ins) op.push(ins);
  return op;
}
