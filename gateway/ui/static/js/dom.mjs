/* global document, Node */
// The only way the UI builds DOM: elements from code, data only ever as text nodes or attribute values. App names,
// diagnostics and condition messages come from users, so nothing here parses markup (no innerHTML anywhere).

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** An HTML element: `h('td', { class: 'num' }, text)`. Strings become text nodes, never markup. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element, same rules. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

/** A table with a header row and `rows` (arrays of cells: strings or elements), or `empty` when there are none. */
export function table(headers, rows, o = {}) {
  if (!rows.length && o.empty) return h('p', { class: 'empty', 'data-empty': o.testid ?? '' }, o.empty);
  // Wide tables scroll inside their box instead of squeezing free-text columns into a sliver.
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: o.class ?? 'grid', 'data-testid': o.testid },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((x) => h('th', null, x)),
        ),
      ),
      h('tbody', null, rows),
    ),
  );
}

/** Replaces a container's content (one call per refresh, so a poll never leaves half a page). */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}
