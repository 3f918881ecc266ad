import type { IncidentState, Severity } from "~db/schema/enums";
import { STATE_LABELS } from "./incidents";
import { formatDeadline, formatRegionList, renderTemplate, type TemplateProblem } from "./templates";

/**
 * An update's text may hold placeholders ({regions}, {next_update}, …) so that what goes out says the
 * truth at the moment it is published, not when it was drafted. This fills them, the same way for the
 * composer's live preview (with "now" as the publication time) and for the frozen messages.
 */

export interface UpdateTextContext {
  regionNames: string[];
  /** IANA zone the audience reads times in (the first affected region's). */
  timeZone: string;
  /** When the next update is promised, if any (ISO). */
  nextUpdateAt: string | null;
  incidentUrl: string;
  orgName: string;
  incidentTitle: string;
  severity: Severity;
  /** The state the update announces (or the incident's current one). */
  state: IncidentState;
  updateNumber: number;
  eta: string | null;
  topicLabels: string[];
  /** The publication time (ISO): "by 9:00 AM tomorrow" is relative to it. */
  now: string;
}

export function renderUpdateText(
  text: { title: string; body: string },
  ctx: UpdateTextContext,
): { title: string; body: string; problems: TemplateProblem[] } {
  const values = {
    regions: formatRegionList(ctx.regionNames) || "some areas",
    next_update: ctx.nextUpdateAt ? formatDeadline(ctx.nextUpdateAt, ctx.timeZone, { now: ctx.now }) : null,
    incident_url: ctx.incidentUrl,
    org: ctx.orgName,
    incident_title: ctx.incidentTitle,
    severity: ctx.severity,
    status: STATE_LABELS[ctx.state].toLowerCase(),
    update_number: ctx.updateNumber,
    eta: ctx.eta,
    topic:
      formatRegionList(
        ctx.topicLabels.map((t) => t.toLowerCase()),
        { others: "other problems" },
      ) || null,
  };
  const title = renderTemplate(text.title, values);
  const body = renderTemplate(text.body, values);
  return { title: title.text, body: body.text, problems: [...title.problems, ...body.problems] };
}
