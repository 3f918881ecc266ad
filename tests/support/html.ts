import { type ChildNode, type Element, isTag } from "domhandler";
import { findAll, getAttributeValue, textContent } from "domutils";
import { parseDocument } from "htmlparser2";

/** A parsed HTML page with a few lookups (by attribute, by tag), for asserting on server-rendered pages. */
export class Page {
  readonly root: ChildNode[];
  constructor(readonly html: string) {
    this.root = parseDocument(html).children;
  }

  all(predicate: (el: Element) => boolean): Element[] {
    return findAll(predicate, this.root);
  }

  /** Elements with `attr` (equal to `value` when given). */
  byAttr(attr: string, value?: string): Element[] {
    return this.all((el) => {
      const v = getAttributeValue(el, attr);
      return v !== undefined && (value === undefined || v === value);
    });
  }

  byTag(tag: string): Element[] {
    return this.all((el) => el.name === tag);
  }

  text(el?: Element | Element[] | null): string {
    if (!el) return "";
    return textContent(el).replace(/\s+/g, " ").trim();
  }

  one(attr: string, value?: string): Element {
    const found = this.byAttr(attr, value);
    if (found.length !== 1)
      throw new Error(`expected one element with ${attr}=${value ?? "*"}, found ${found.length}`);
    return found[0];
  }
}

export function attr(el: Element, name: string): string | undefined {
  return getAttributeValue(el, name);
}

export function children(el: Element): Element[] {
  return el.children.filter(isTag);
}
