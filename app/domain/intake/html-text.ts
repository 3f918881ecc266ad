import { Parser } from "htmlparser2";

/** Elements that start a new line; paragraphs and the like also leave a blank line after them. */
const PARAGRAPH = new Set([
  "p",
  "blockquote",
  "pre",
  "ul",
  "ol",
  "table",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
]);
const LINE = new Set(["div", "li", "tr", "section", "article", "header", "footer", "dd", "dt", "figcaption"]);
/** Elements whose content is not part of the text. */
const HIDDEN = new Set(["script", "style", "template", "head", "title", "noscript"]);

/**
 * Plain text from a post's HTML (Mastodon `content`), parsed with htmlparser2, which decodes entities
 * (`&amp;`, `&#39;`, `&nbsp;`) and tolerates broken markup.
 *
 * - `<br>` is a line break, paragraphs are separated by a blank line, list items get their own lines;
 *   runs of whitespace collapse to one space (except inside `<pre>`).
 * - Link text is kept and hrefs are dropped: Mastodon writes mentions as `@<span>user</span>` and
 *   hashtags as `#<span>tag</span>`, which read back as `@user` and `#tag`; long links are split into
 *   `invisible`/`ellipsis` spans whose text joins back into the full URL.
 * - Mastodon's quote-post fallback (`<p class="quote-inline">RE: …</p>`) is dropped: the quote is
 *   recorded as `repostOf` instead.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let breaks = 0; // line breaks owed before the next text
  let hiddenDepth = 0;
  let preDepth = 0;
  const block = (lines: number) => {
    breaks = Math.max(breaks, lines);
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (hiddenDepth > 0) {
          hiddenDepth++;
          return;
        }
        if (HIDDEN.has(name) || /(^|\s)quote-inline(\s|$)/.test(attribs.class ?? "")) {
          hiddenDepth = 1;
          return;
        }
        if (name === "br") breaks++;
        else if (PARAGRAPH.has(name)) block(2);
        else if (LINE.has(name)) block(1);
        if (name === "pre") preDepth++;
      },
      ontext(data) {
        if (hiddenDepth > 0) return;
        const text = preDepth > 0 ? data.replace(/[^\S\n]+/g, " ") : data.replace(/\s+/g, " ");
        if (breaks > 0) {
          if (text.trim() === "") return; // whitespace between blocks
          if (out.length > 0) out.push("\n".repeat(breaks));
          breaks = 0;
        }
        out.push(text);
      },
      onclosetag(name) {
        // called for void elements (`<br>`) and implied closes too, so open/close always pair up
        if (hiddenDepth > 0) {
          hiddenDepth--;
          return;
        }
        if (PARAGRAPH.has(name)) block(2);
        else if (LINE.has(name)) block(1);
        if (name === "pre") preDepth = Math.max(0, preDepth - 1);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out
    .join("")
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
