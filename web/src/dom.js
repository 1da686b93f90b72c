// Tiny DOM helpers: h() builds elements from a tag, attributes and children; nothing else.
// Text always goes through text nodes (never innerHTML), so user content cannot inject markup.

let uid = 0;
/** A fresh id for label/for and aria-describedby pairs. */
export const newId = (prefix = 'f') => `${prefix}-${++uid}`;

/**
 * h('button', {class: 'x', onclick: fn, disabled: true}, 'Text', child, [more])
 * Attributes: `on*` functions become listeners; true/false toggle boolean attributes;
 * null/undefined are skipped; `dataset` is an object; everything else is setAttribute.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'value' && 'value' in el) el.value = v;
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replace the children of el. */
export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}
