import type { ComposeContext } from "./context";
import { emailVariant } from "./email";
import type { ComposeChannelKind } from "./kinds";
import { blueskyVariant, postsVariant } from "./posts";
import { facebookVariant, smsVariant, statusPageVariant } from "./short-messages";
import { slackVariant } from "./slack";
import { teamsVariant } from "./teams";
import type {
  ChannelVariants,
  ComposedVariants,
  ComposeOptions,
  StatusUpdateInput,
  VariantOverride,
} from "./types";
import { webhookVariant } from "./webhook";

type Formatters = {
  [K in ComposeChannelKind]: (context: ComposeContext, override?: VariantOverride) => ChannelVariants[K];
};

const FORMATTERS: Formatters = {
  x: (context, override) => postsVariant("x", context, override),
  mastodon: (context, override) => postsVariant("mastodon", context, override),
  bluesky: blueskyVariant,
  facebook: facebookVariant,
  sms: smsVariant,
  slack: slackVariant,
  teams: teamsVariant,
  email: emailVariant,
  webhook: webhookVariant,
  status_page: statusPageVariant,
  statuspage: statusPageVariant,
};

function assertWebUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`The incident URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TypeError(`The incident URL must be http(s): ${url}`);
  }
}

/**
 * One status update, formatted for each requested channel exactly as it will be sent, each with its
 * length against the channel's limit. Pure: the composer calls it on every keystroke for the previews,
 * and the publishing service calls it once more to freeze the variants it sends.
 */
export function composeVariants(input: StatusUpdateInput, options: ComposeOptions): ComposedVariants {
  assertWebUrl(input.incidentUrl);
  const context: ComposeContext = {
    input,
    timeZone: options.timeZone ?? "UTC",
    now: options.now,
    limits: options.limits ?? {},
  };
  const variants: ComposedVariants = {};
  const compose = <K extends ComposeChannelKind>(channel: K) => {
    (variants as Record<K, ChannelVariants[K]>)[channel] = FORMATTERS[channel](
      context,
      options.overrides?.[channel],
    );
  };
  for (const channel of new Set(options.channels)) compose(channel);
  return variants;
}
