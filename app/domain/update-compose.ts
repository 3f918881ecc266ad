import type { IncidentState, Severity, UpdateKind } from "~db/schema/enums";
import {
  type ComposeChannelKind,
  type ComposedVariants,
  composeVariants,
  type VariantOverride,
} from "./channels";
import { renderUpdateText } from "./update-text";

/**
 * One status update, as written, turned into every channel's exact message: placeholders filled as of
 * publication, then each channel's variant. The composer runs it on every keystroke for its previews and
 * the publishing service runs it once more to freeze what it sends: same code, same result.
 */

export interface UpdateDraft {
  kind: UpdateKind;
  title: string;
  body: string;
  number: number;
  eta: string | null;
  nextUpdateMinutes: number | null;
  incidentState: IncidentState | null;
}

export interface UpdateAudience {
  orgName: string;
  incidentUrl: string;
  /** Display names, most affected first. */
  regionNames: string[];
  timeZone: string;
  topicLabels: string[];
  incident: { id: number; title: string; severity: Severity; state: IncidentState };
}

export const CHANNEL_LABELS: Record<ComposeChannelKind, string> = {
  status_page: "Status page",
  email: "Email",
  sms: "SMS",
  slack: "Slack",
  teams: "Teams",
  webhook: "Webhooks",
  x: "X",
  facebook: "Facebook",
  mastodon: "Mastodon",
  bluesky: "Bluesky",
  statuspage: "Atlassian Statuspage",
};

export function composeUpdate(
  draft: UpdateDraft,
  audience: UpdateAudience,
  options: {
    kinds: ComposeChannelKind[];
    overrides: Partial<Record<ComposeChannelKind, VariantOverride>>;
    /** When it is (or would be) published; the promised next update counts from here. */
    publishedAt: Date;
    updateId?: number;
    mastodonMaxCharacters?: number;
  },
): { variants: ComposedVariants; problems: string[]; title: string; body: string } {
  const nextUpdateAt = draft.nextUpdateMinutes
    ? new Date(options.publishedAt.getTime() + draft.nextUpdateMinutes * 60_000).toISOString()
    : null;
  const textContext = {
    regionNames: audience.regionNames,
    timeZone: audience.timeZone,
    nextUpdateAt,
    incidentUrl: audience.incidentUrl,
    orgName: audience.orgName,
    incidentTitle: audience.incident.title,
    severity: audience.incident.severity,
    state: draft.incidentState ?? audience.incident.state,
    updateNumber: draft.number,
    eta: draft.eta,
    topicLabels: audience.topicLabels,
    now: options.publishedAt.toISOString(),
  };
  const text = renderUpdateText(
    { title: draft.title || audience.incident.title, body: draft.body },
    textContext,
  );
  const problems = text.problems.map((p) => p.message);
  const filled: Partial<Record<ComposeChannelKind, VariantOverride>> = {};
  for (const [kind, override] of Object.entries(options.overrides) as [
    ComposeChannelKind,
    VariantOverride,
  ][]) {
    if (!override.text) {
      filled[kind] = override;
      continue;
    }
    const rendered = renderUpdateText({ title: "", body: override.text }, textContext);
    problems.push(...rendered.problems.map((p) => `${CHANNEL_LABELS[kind]}: ${p.message}`));
    filled[kind] = { ...override, text: rendered.body };
  }
  const variants = composeVariants(
    {
      kind: draft.kind,
      title: text.title,
      body: text.body,
      incidentUrl: audience.incidentUrl,
      orgName: audience.orgName,
      severity: audience.incident.severity,
      regions: audience.regionNames,
      nextUpdateAt: nextUpdateAt ?? undefined,
      updateNumber: draft.number,
      incidentId: String(audience.incident.id),
      updateId: options.updateId ? String(options.updateId) : undefined,
      publishedAt: options.publishedAt.toISOString(),
    },
    {
      channels: options.kinds,
      overrides: filled,
      timeZone: audience.timeZone,
      now: options.publishedAt.toISOString(),
      limits: options.mastodonMaxCharacters
        ? { mastodon: { maxCharacters: options.mastodonMaxCharacters } }
        : {},
    },
  );
  return { variants, problems, title: text.title, body: text.body };
}
