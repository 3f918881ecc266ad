import { type ComposeContext, unlimitedReport } from "./context";
import { shortenWithLink } from "./fit";
import { LIMITS } from "./length";
import { smsSegments } from "./sms";
import { codePointCount } from "./text";
import type { FacebookVariant, SmsVariant, StatusPageVariant, VariantOverride } from "./types";

/**
 * SMS: "<org>: <body> <link>", shortened to the segment budget. Its ellipsis is three dots because "…"
 * is not in the GSM-7 alphabet and would make the whole message UCS-2.
 */
export function smsVariant(context: ComposeContext, override: VariantOverride = {}): SmsVariant {
  const { orgName, body, incidentUrl } = context.input;
  const maxSegments = context.limits.sms?.maxSegments ?? LIMITS.smsMaxSegmentsDefault;
  const fits = (text: string) => smsSegments(text).segments <= maxSegments;
  const notes: string[] = [];
  let text: string;
  let ok: boolean;
  if (override.text !== undefined) {
    text = override.text.trim();
    ok = fits(text);
    if (!ok) notes.push(`Longer than ${maxSegments} SMS segments: shorten the text`);
  } else {
    const shortened = shortenWithLink(`${orgName}: ${body.trim()}`, incidentUrl, fits, {
      ellipsis: "...",
      separator: " ",
    });
    text = shortened.text;
    ok = shortened.ok;
    if (shortened.shortened)
      notes.push(`Shortened to ${maxSegments} segments; the link leads to the full update`);
  }
  const sms = smsSegments(text);
  if (sms.encoding === "UCS-2") {
    notes.push(
      `Sent as UCS-2 (70 characters a segment, not 160) because of ${sms.nonGsmCharacters.join(" ")}`,
    );
  }
  if ((override.text ?? body).trim() === "") {
    ok = false;
    notes.push("The text is empty");
  }
  return { used: sms.segments, limit: maxSegments, unit: "segments", ok, notes, text, sms };
}

/** Facebook Page post: the message, with the incident link attached as the post's link preview. */
export function facebookVariant(context: ComposeContext, override: VariantOverride = {}): FacebookVariant {
  const message = (override.text ?? context.input.body).trim();
  const used = codePointCount(message);
  const notes: string[] = [];
  if (used > LIMITS.facebook) notes.push(`Facebook posts hold at most ${LIMITS.facebook} characters`);
  if (used === 0) notes.push("The text is empty");
  return {
    used,
    limit: LIMITS.facebook,
    unit: "characters",
    ok: used > 0 && used <= LIMITS.facebook,
    notes,
    message,
    link: context.input.incidentUrl,
  };
}

/** The built-in status page and Atlassian Statuspage: a title and the full text. */
export function statusPageVariant(
  context: ComposeContext,
  override: VariantOverride = {},
): StatusPageVariant {
  const body = (override.text ?? context.input.body).trim();
  return { ...unlimitedReport(codePointCount(body), "characters"), title: context.input.title.trim(), body };
}
