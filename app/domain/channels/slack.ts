import { type ComposeContext, contextLine, updateLabel } from "./context";
import { splitToFit, truncate } from "./fit";
import { LIMITS } from "./length";
import { codePointCount } from "./text";
import type { SlackVariant, VariantOverride } from "./types";

/** The Block Kit blocks this formatter emits (a subset of Slack's). */
export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji: true } }
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: Array<{ type: "mrkdwn"; text: string }> };

/** Slack's formatting rule: only &, < and > are control characters and must be escaped in text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `<url|label>`: the URL may not contain a bare | or > (they end the link), so they are percent-encoded. */
export function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/&/g, "&amp;");
  return `<${safeUrl}|${escapeSlack(label)}>`;
}

/**
 * Slack message (incoming webhook or chat.postMessage): a header (plain_text, at most 150 characters),
 * the text in mrkdwn sections of at most 3,000 characters each (split at sentence or word boundaries,
 * never cut), a context line and the incident link; `text` is the notification fallback.
 */
export function slackVariant(context: ComposeContext, override: VariantOverride = {}): SlackVariant {
  const { input } = context;
  const notes: string[] = [];
  const body = (override.text ?? input.body).trim();
  const header = truncate(input.title, (t) => codePointCount(t) <= LIMITS.slackHeaderText);
  if (header.truncated) notes.push(`The header shows the title cut to ${LIMITS.slackHeaderText} characters`);

  const sections = body
    ? splitToFit(
        body,
        (t) => codePointCount(escapeSlack(t)) <= LIMITS.slackSectionText,
        () => "",
      ).parts
    : [];
  const line = [updateLabel(input), contextLine(context)].join(" · ");
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: header.text, emoji: true } },
    ...sections.map(
      (section): SlackBlock => ({ type: "section", text: { type: "mrkdwn", text: escapeSlack(section) } }),
    ),
    { type: "context", elements: [{ type: "mrkdwn", text: escapeSlack(line) }] },
    {
      type: "section",
      text: { type: "mrkdwn", text: slackLink(input.incidentUrl, "View the incident status page") },
    },
  ];
  const text = `${escapeSlack(`${updateLabel(input)}: ${input.title.trim()}`)}\n${escapeSlack(body)}\n${slackLink(input.incidentUrl, "Details")}`;
  const used = codePointCount(text);
  let ok = body !== "" && used <= LIMITS.slackText && blocks.length <= LIMITS.slackBlocks;
  if (body === "") notes.push("The text is empty");
  if (used > LIMITS.slackText) notes.push(`Slack truncates message text past ${LIMITS.slackText} characters`);
  if (blocks.length > LIMITS.slackBlocks)
    notes.push(`Slack messages hold at most ${LIMITS.slackBlocks} blocks`);
  if (input.title.trim() === "") {
    ok = false;
    notes.push("The title is empty");
  }
  return { used, limit: LIMITS.slackText, unit: "characters", ok, notes, text, blocks };
}
