import { type ComposeContext, updateFacts, updateLabel } from "./context";
import { LIMITS } from "./length";
import { utf8ByteLength } from "./text";
import type { TeamsVariant, VariantOverride } from "./types";

type TextBlock = {
  type: "TextBlock";
  text: string;
  wrap: true;
  size?: "Small" | "Medium" | "Large";
  weight?: "Bolder";
  color?: "Good" | "Attention" | "Accent";
  isSubtle?: true;
};

type FactSet = { type: "FactSet"; facts: Array<{ title: string; value: string }> };

export interface AdaptiveCard {
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
  type: "AdaptiveCard";
  version: "1.4";
  body: Array<TextBlock | FactSet>;
  actions: Array<{ type: "Action.OpenUrl"; title: string; url: string }>;
}

/** What a Teams Workflows ("When a Teams webhook request is received") webhook accepts. */
export interface TeamsMessage {
  type: "message";
  attachments: Array<{
    contentType: "application/vnd.microsoft.card.adaptive";
    contentUrl: null;
    content: AdaptiveCard;
  }>;
}

/** Paragraphs become separate TextBlocks: a TextBlock collapses single line breaks. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export function teamsVariant(context: ComposeContext, override: VariantOverride = {}): TeamsVariant {
  const { input } = context;
  const body = (override.text ?? input.body).trim();
  const card: AdaptiveCard = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      {
        type: "TextBlock",
        text: `${input.orgName} · ${updateLabel(input)}`,
        size: "Small",
        weight: "Bolder",
        color: input.kind === "resolution" ? "Good" : "Attention",
        wrap: true,
      },
      { type: "TextBlock", text: input.title.trim(), size: "Large", weight: "Bolder", wrap: true },
      ...paragraphs(body).map((text): TextBlock => ({ type: "TextBlock", text, wrap: true })),
      { type: "FactSet", facts: updateFacts(context) },
    ],
    actions: [{ type: "Action.OpenUrl", title: "View incident", url: input.incidentUrl }],
  };
  const payload: TeamsMessage = {
    type: "message",
    attachments: [
      { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card },
    ],
  };
  const used = utf8ByteLength(JSON.stringify(payload));
  const notes: string[] = [];
  if (body === "") notes.push("The text is empty");
  if (used > LIMITS.teamsPayloadBytes) notes.push("Teams rejects messages over 28 KB: shorten the text");
  const ok = body !== "" && used <= LIMITS.teamsPayloadBytes;
  return { used, limit: LIMITS.teamsPayloadBytes, unit: "bytes", ok, notes, payload };
}
