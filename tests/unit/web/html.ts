/** A small reading kit over parse5's tree for the page tests: find elements, read attributes and text. */
import { parse } from "parse5";

export interface El {
  tag: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
  parent?: El;
}

interface P5Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: P5Node[];
  content?: P5Node;
}

function convert(node: P5Node, parent: El | undefined): El {
  const el: El = {
    tag: node.tagName ?? node.nodeName,
    attrs: Object.fromEntries((node.attrs ?? []).map((a) => [a.name, a.value])),
    children: [],
    text: "",
    ...(parent ? { parent } : {}),
  };
  let text = "";
  for (const child of node.childNodes ?? []) {
    if (child.nodeName === "#text") {
      text += child.value ?? "";
      continue;
    }
    if (child.nodeName.startsWith("#")) continue;
    const c = convert(child, el);
    el.children.push(c);
    text += c.text;
  }
  el.text = text;
  return el;
}

export function parseHtml(html: string): El {
  return convert(parse(html), undefined);
}

export function all(root: El, predicate: (el: El) => boolean): El[] {
  const found: El[] = [];
  const walk = (el: El) => {
    if (predicate(el)) found.push(el);
    el.children.forEach(walk);
  };
  walk(root);
  return found;
}

export const byTag = (root: El, tag: string) => all(root, (e) => e.tag === tag);
export const byId = (root: El, id: string) => all(root, (e) => e.attrs.id === id)[0];

/** Text with no-break spaces as plain spaces and whitespace collapsed (what a person reads). */
export function readable(text: string): string {
  return text
    .replace(/[\u00a0\u202f]/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

export function ancestors(el: El): El[] {
  const list: El[] = [];
  for (let p = el.parent; p; p = p.parent) list.push(p);
  return list;
}

/** The text of the label an input or select is labelled by (label[for], or a wrapping label). */
export function labelText(root: El, control: El): string | undefined {
  const id = control.attrs.id;
  const forLabel = id ? all(root, (e) => e.tag === "label" && e.attrs.for === id)[0] : undefined;
  const wrapping = ancestors(control).find((a) => a.tag === "label");
  const label = forLabel ?? wrapping;
  return label ? readable(label.text) : control.attrs["aria-label"];
}
