import { type ComposeContext, contextLine, KIND_LABELS, updateLabel } from "./context";
import { truncate } from "./fit";
import { LIMITS } from "./length";
import { codePointCount } from "./text";
import type { EmailVariant, VariantOverride } from "./types";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** A header value on one line: a line break in a subject would start a new header (header injection). */
function singleLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").trim();
}

function htmlParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p style="margin:0 0 16px">${escapeHtml(p).replace(/\n/g, "<br>\n")}</p>`)
    .join("\n");
}

/**
 * Email: subject "[Update] <title>" within 78 characters (RFC 5322's line length, what clients show
 * whole), an HTML part in which every piece of user text is escaped, and a plain-text part.
 */
export function emailVariant(context: ComposeContext, override: VariantOverride = {}): EmailVariant {
  const { input } = context;
  const notes: string[] = [];
  const body = (override.text ?? input.body).trim();
  const fitsSubject = (s: string) => codePointCount(s) <= LIMITS.emailSubject;
  let subject: string;
  if (override.subject !== undefined) {
    subject = singleLine(override.subject);
    if (!fitsSubject(subject)) notes.push(`The subject is longer than ${LIMITS.emailSubject} characters`);
  } else {
    const prefixed = truncate(`[${KIND_LABELS[input.kind]}] ${singleLine(input.title)}`, fitsSubject);
    subject = prefixed.text;
    if (prefixed.truncated) notes.push("The title was shortened to fit the subject line");
  }
  const facts = contextLine(context);
  const link = input.incidentUrl;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">
<p style="margin:0 0 8px;font-size:14px;color:#555">${escapeHtml(`${input.orgName} · ${updateLabel(input)}`)}</p>
<h1 style="margin:0 0 16px;font-size:22px">${escapeHtml(input.title.trim())}</h1>
${htmlParagraphs(body)}
<p style="margin:0 0 16px;font-size:14px;color:#555">${escapeHtml(facts)}</p>
<p style="margin:0"><a href="${escapeHtml(link)}" style="color:#0b5cad">View the incident status page</a></p>
</body>
</html>
`;
  const text = `${input.title.trim()}\n\n${body}\n\n${facts}\n\nDetails: ${link}\n`;
  const used = codePointCount(subject);
  if (body === "") notes.push("The text is empty");
  if (subject === "") notes.push("The subject is empty");
  const ok = body !== "" && subject !== "" && fitsSubject(subject);
  return { used, limit: LIMITS.emailSubject, unit: "characters", ok, notes, subject, html, text };
}
