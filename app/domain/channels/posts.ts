import type { ComposeContext } from "./context";
import { blueskyPost } from "./facets";
import { shortenWithLink, splitToFit } from "./fit";
import type { SocialPostKind } from "./kinds";
import { blueskyLength, type LengthUnit, LIMITS, mastodonLength, xLength } from "./length";
import { utf8ByteLength } from "./text";
import type { BlueskyVariant, PostsVariant, VariantOverride } from "./types";

interface PostRules {
  name: string;
  measure: (text: string) => number;
  limit: number;
  unit: LengthUnit;
  /** Anything besides the measured length that a post must respect. */
  alsoFits?: (text: string) => boolean;
}

// app.bsky.feed.post text: maxGraphemes 300 and maxLength 3000 (UTF-8 bytes).
const BLUESKY_MAX_BYTES = 3000;

function rulesFor(kind: SocialPostKind, context: ComposeContext): PostRules {
  switch (kind) {
    case "x":
      return { name: "X", measure: xLength, limit: LIMITS.x, unit: "weighted" };
    case "mastodon":
      return {
        name: "Mastodon",
        measure: (text) => mastodonLength(text),
        limit: context.limits.mastodon?.maxCharacters ?? LIMITS.mastodonDefault,
        unit: "characters",
      };
    case "bluesky":
      return {
        name: "Bluesky",
        measure: blueskyLength,
        limit: LIMITS.bluesky,
        unit: "graphemes",
        alsoFits: (text) => utf8ByteLength(text) <= BLUESKY_MAX_BYTES,
      };
  }
}

/** "1/3 " before each post of a thread; nothing when one post is enough. */
export function threadLabel(index: number, count: number): string {
  return count === 1 ? "" : `${index}/${count} `;
}

export function postsVariant(
  kind: SocialPostKind,
  context: ComposeContext,
  override: VariantOverride = {},
): PostsVariant {
  const rules = rulesFor(kind, context);
  const fits = (text: string) => rules.measure(text) <= rules.limit && (rules.alsoFits?.(text) ?? true);
  const mode = override.mode ?? "shorten";
  const overridden = override.text !== undefined;
  const source = (override.text ?? context.input.body).trim();
  const link = context.input.incidentUrl;
  const notes: string[] = [];
  let parts: string[];
  let adjusted: PostsVariant["adjusted"] = "none";
  let ok: boolean;

  if (mode === "thread") {
    const text = overridden || source.includes(link) ? source : [source, link].filter(Boolean).join("\n");
    const split = splitToFit(text, fits, threadLabel);
    parts = split.parts;
    ok = split.ok;
    if (parts.length > 1) {
      adjusted = "threaded";
      notes.push(`Threaded into ${parts.length} posts`);
    }
  } else if (overridden) {
    parts = [source];
    ok = fits(source);
    if (!ok) notes.push(`Too long for one ${rules.name} post: shorten the text or post it as a thread`);
  } else {
    const shortened = shortenWithLink(source, link, fits);
    parts = [shortened.text];
    ok = shortened.ok;
    if (shortened.shortened) {
      adjusted = "shortened";
      notes.push("Shortened to fit; the link leads to the full update");
    }
  }
  if (!ok && adjusted !== "none") notes.push(`A piece of the text cannot fit in one ${rules.name} post`);
  if (source === "") {
    ok = false;
    notes.push("The text is empty");
  }
  const partLengths = parts.map(rules.measure);
  return {
    used: Math.max(0, ...partLengths),
    limit: rules.limit,
    unit: rules.unit,
    ok,
    notes,
    mode,
    adjusted,
    overridden,
    parts,
    partLengths,
  };
}

export function blueskyVariant(context: ComposeContext, override?: VariantOverride): BlueskyVariant {
  const variant = postsVariant("bluesky", context, override);
  return { ...variant, posts: variant.parts.map(blueskyPost) };
}
