// Binds a plain <textarea> to a DocClient: local edits become ops (diff of the old and new
// value in code points, the caret breaking ties); remote ops update the value while keeping
// the caret and selection where they were (transformPosition). During IME composition remote
// ops are held back and merged at compositionend, so composing text is never broken.
import { type } from 'ot-text-unicode';
import { cpToUtf16, diffOp, utf16ToCp } from './unicode.js';

const CURSOR_THROTTLE_MS = 300;

export function bindTextarea(ta, client) {
  let domText = client.text; // what the textarea showed when we last synced
  let heldRemote = null; // remote ops applied to the client but not yet to the textarea
  let composing = false;
  let cursorTimer = null;
  let lastCursor = '';

  ta.value = client.text;
  autosize(ta);

  function selectionCp() {
    const v = ta.value;
    return [utf16ToCp(v, ta.selectionStart), utf16ToCp(v, ta.selectionEnd), ta.selectionDirection];
  }

  function setValueKeepingSelection(newText, op) {
    const focused = document.activeElement === ta;
    const [s, e, dir] = selectionCp();
    const scroll = ta.scrollTop;
    ta.value = newText;
    if (focused) {
      const ns = type.transformPosition(s, op);
      const ne = type.transformPosition(e, op);
      ta.setSelectionRange(cpToUtf16(newText, ns), cpToUtf16(newText, ne), dir || 'none');
    }
    ta.scrollTop = scroll;
    autosize(ta);
  }

  function readLocal() {
    if (composing) return;
    const v = ta.value;
    if (v === domText && !heldRemote) return;
    const caret = utf16ToCp(v, ta.selectionEnd);
    let op = diffOp(domText, v, caret);
    if (heldRemote) {
      // Our edit was made on an older text: bring it past the held remote ops.
      op = type.transform(op, heldRemote, 'left');
      heldRemote = null;
      client.edit(op);
      // Show the merged text; the caret follows the user's own edit.
      const [s, e] = selectionCp();
      const merged = client.text;
      ta.value = merged;
      const toMerged = diffOp(v, merged);
      ta.setSelectionRange(cpToUtf16(merged, type.transformPosition(s, toMerged)),
        cpToUtf16(merged, type.transformPosition(e, toMerged)));
      domText = merged;
    } else {
      client.edit(op);
      domText = v;
    }
    autosize(ta);
    cursorSoon();
  }

  function remote(op) {
    if (op == null) {
      // Whole text replaced.
      heldRemote = null;
      const next = client.text;
      if (ta.value !== next) setValueKeepingSelection(next, diffOp(ta.value, next));
      domText = next;
      return;
    }
    if (composing) {
      heldRemote = heldRemote ? type.compose(heldRemote, op) : op;
      return;
    }
    setValueKeepingSelection(client.text, op);
    domText = client.text;
  }

  function cursorSoon() {
    if (cursorTimer) return;
    cursorTimer = setTimeout(() => {
      cursorTimer = null;
      if (document.activeElement !== ta) return;
      const [s, e, dir] = selectionCp();
      const anchor = dir === 'backward' ? e : s;
      const head = dir === 'backward' ? s : e;
      const key = `${client.rev}:${anchor}:${head}`;
      if (key === lastCursor) return;
      lastCursor = key;
      client.sendCursor(anchor, head);
    }, CURSOR_THROTTLE_MS);
  }

  const onInput = () => readLocal();
  const onCompStart = () => { composing = true; };
  const onCompEnd = () => { composing = false; readLocal(); };
  ta.addEventListener('input', onInput);
  ta.addEventListener('compositionstart', onCompStart);
  ta.addEventListener('compositionend', onCompEnd);
  for (const ev of ['select', 'keyup', 'mouseup', 'focus']) ta.addEventListener(ev, cursorSoon);

  return {
    remote,
    destroy() {
      clearTimeout(cursorTimer);
      ta.removeEventListener('input', onInput);
      ta.removeEventListener('compositionstart', onCompStart);
      ta.removeEventListener('compositionend', onCompEnd);
      for (const ev of ['select', 'keyup', 'mouseup', 'focus']) ta.removeEventListener(ev, cursorSoon);
    },
  };
}

const nativeSizing = typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content');

/** Grow the textarea to its content (CSS field-sizing where supported, else by hand). */
export function autosize(ta) {
  if (nativeSizing || !ta.isConnected) return;
  ta.style.height = 'auto';
  ta.style.height = `${ta.scrollHeight + ta.offsetHeight - ta.clientHeight}px`;
}

if (typeof window !== 'undefined' && !nativeSizing) {
  let timer = null;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(() => document.querySelectorAll('textarea.clause-editor').forEach(autosize), 100);
  });
}
