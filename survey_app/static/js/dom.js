// DOM helpers shared by the kiosk and the live workshop pages. User text only
// ever goes through textContent (no innerHTML anywhere: the CSP and escaping).

// el("li", {cls: "card", text: card.text, attrs: {...}, on: {click: f}}, [children]);
// any other option is an attribute (false, null or undefined: left out).
export function el(tag, opts, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(opts || {})) {
    if (name === "cls") node.className = value;
    else if (name === "text") { if (value != null) node.textContent = String(value); }
    else if (name === "attrs") setAttributes(node, value);
    else if (name === "on") {
      for (const [type, handler] of Object.entries(value)) node.addEventListener(type, handler);
    } else setAttributes(node, { [name]: value });
  }
  for (const child of children || []) {
    if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
}

// Keep `parent`'s children in the order of `items`, reusing nodes by key:
// focus, open forms and drafts inside a kept node survive live updates.
export function syncChildren(parent, items, keyOf, create, update) {
  const existing = {};
  for (const child of parent.children) {
    if (child.dataset.key !== undefined) existing[child.dataset.key] = child;
  }
  const wanted = {};
  items.forEach((item, index) => {
    const key = String(keyOf(item));
    wanted[key] = true;
    let node = existing[key];
    if (!node) {
      node = create(item);
      node.dataset.key = key;
    }
    if (update) update(node, item);
    if (parent.children[index] !== node) parent.insertBefore(node, parent.children[index] || null);
  });
  for (const key of Object.keys(existing)) {
    if (!wanted[key]) parent.removeChild(existing[key]);
  }
}

export function setText(node, text) {
  text = text === null || text === undefined ? "" : String(text);
  if (node.textContent !== text) node.textContent = text;
}

// "3 cartes", "1 carte": a count and its word, for text on the page.
export function plural(n, one, many) {
  return n + " " + (n > 1 ? many : one);
}
