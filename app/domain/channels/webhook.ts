import { type ComposeContext, unlimitedReport } from "./context";
import type { Severity, UpdateKind } from "./kinds";
import { utf8ByteLength } from "./text";
import type { VariantOverride, WebhookVariant } from "./types";

/**
 * The event posted to generic webhooks (signed per Standard Webhooks by the delivery layer). Its shape is
 * a public contract: add fields, never rename or remove them. README.md documents it.
 */
export interface StatusUpdateEvent {
  type: "status_update.published";
  /** When the update was published (ISO 8601); null in previews, before it is. */
  timestamp: string | null;
  data: {
    organisation: { name: string };
    incident: {
      id: string | null;
      title: string;
      severity: Severity;
      regions: string[];
      url: string;
    };
    update: {
      id: string | null;
      kind: UpdateKind;
      number: number;
      body: string;
      nextUpdateAt: string | null;
    };
  };
}

export function webhookVariant(context: ComposeContext, override: VariantOverride = {}): WebhookVariant {
  const { input } = context;
  const event: StatusUpdateEvent = {
    type: "status_update.published",
    timestamp: input.publishedAt ?? null,
    data: {
      organisation: { name: input.orgName },
      incident: {
        id: input.incidentId ?? null,
        title: input.title,
        severity: input.severity,
        regions: [...input.regions],
        url: input.incidentUrl,
      },
      update: {
        id: input.updateId ?? null,
        kind: input.kind,
        number: input.updateNumber,
        body: (override.text ?? input.body).trim(),
        nextUpdateAt: input.kind === "resolution" ? null : (input.nextUpdateAt ?? null),
      },
    },
  };
  const report = unlimitedReport(utf8ByteLength(JSON.stringify(event)), "bytes");
  const ok = report.ok && event.data.update.body !== "";
  return { ...report, ok, notes: ok ? report.notes : [...report.notes, "The text is empty"], event };
}
