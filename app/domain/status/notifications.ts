import { t } from "~/locales";
import type { SubscriberKind } from "~db/schema/enums";
import { formatUtc } from "./public-status";

/**
 * The messages subscribers receive, one payload per channel kind in the adapters' contract (email
 * `{subject, html, text, unsubscribeUrl}`, SMS `{text}`, webhook `{event}`). The fan-out writes one
 * payload per kind with TOKEN where each subscriber's own management token goes, and the database puts
 * the token in per row; so every message carries the link to change or stop it (SMS also honours the
 * STOP reply carriers require). `unsubscribeUrl` takes an RFC 8058 one-click POST as well as a click.
 */
export const TOKEN = "{{TOKEN}}";

/** The management page of a subscription (change choices, unsubscribe). */
export function manageUrl(publicUrl: string, token: string): string {
  return `${new URL("/status/subscription", publicUrl).href}?token=${token}`;
}

/** One click (GET shows the page; a POST, as mail clients send, unsubscribes at once). */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${new URL("/api/v1/unsubscribe", publicUrl).href}?token=${token}`;
}

/** SMS: two concatenated GSM-7 segments at most. */
const SMS_MAX = 306;

export type Payloads = Record<SubscriberKind, Record<string, unknown>>;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

function emailPayload(
  org: string,
  publicUrl: string,
  subject: string,
  paragraphs: string[],
  link: string | null,
) {
  const manage = manageUrl(publicUrl, TOKEN);
  const footer = [t("message.footer", { org }), t("message.manage", { url: manage })];
  const text = [...paragraphs, ...(link ? [link] : []), "", "--", ...footer].join("\n\n");
  const html = [
    ...paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`] : []),
    `<hr><p style="color:#4b5563;font-size:13px">${escapeHtml(footer[0])}<br><a href="${manage}">${escapeHtml(
      t("manage.title"),
    )}</a></p>`,
  ].join("\n");
  return { subject, html, text, unsubscribeUrl: unsubscribeUrl(publicUrl, TOKEN) };
}

/** With the SMS text fitted: `head` is shortened first so the link and the STOP notice always fit. */
function smsText(head: string, tail: string): string {
  return `${shorten(head, SMS_MAX - tail.length - 1)} ${tail}`.trim();
}

export interface UpdateNotice {
  org: string;
  publicUrl: string;
  incidentId: number;
  incidentTitle: string;
  incidentState: string;
  regions: string[];
  update: {
    id: number;
    number: number;
    kind: string;
    title: string;
    body: string;
    publishedAt: Date;
    nextUpdateAt: Date | null;
  };
}

export function incidentUrl(publicUrl: string, incidentId: number, updateNumber?: number): string {
  const url = new URL(`/status/incidents/${incidentId}`, publicUrl);
  if (updateNumber !== undefined) url.hash = `update-${updateNumber}`;
  return url.href;
}

export function updatePayloads(n: UpdateNotice): Payloads {
  const url = incidentUrl(n.publicUrl, n.incidentId, n.update.number);
  const title = n.update.title.trim() || n.incidentTitle;
  const stateLine = `${t(`state.${n.incidentState}` as "state.investigating")}${
    n.regions.length ? ` · ${t("incidents.affects", { regions: n.regions.join(", ") })}` : ""
  }`;
  const next = n.update.nextUpdateAt ? t("incidents.next", { time: formatUtc(n.update.nextUpdateAt) }) : null;
  const paragraphs = [stateLine, n.update.body, ...(next ? [next] : [])];
  return {
    email: emailPayload(
      n.org,
      n.publicUrl,
      t("message.update.subject", { org: n.org, title }),
      paragraphs,
      url,
    ),
    sms: { text: smsText(`${n.org}: ${title}. ${n.update.body}`, `${url} Reply STOP to stop.`) },
    webhook: {
      event: {
        type: "status.update",
        id: `update:${n.update.id}`,
        occurredAt: n.update.publishedAt.toISOString(),
        organisation: n.org,
        incident: { id: n.incidentId, title, state: n.incidentState, regions: n.regions, url },
        update: {
          number: n.update.number,
          kind: n.update.kind,
          title,
          body: n.update.body,
          publishedAt: n.update.publishedAt.toISOString(),
          nextUpdateAt: n.update.nextUpdateAt?.toISOString() ?? null,
        },
        manageUrl: manageUrl(n.publicUrl, TOKEN),
      },
    },
  };
}

export interface MaintenanceNotice {
  org: string;
  publicUrl: string;
  maintenance: {
    id: number;
    title: string;
    description: string;
    regions: string[];
    startsAt: Date;
    endsAt: Date;
  };
}

export function maintenancePayloads(n: MaintenanceNotice): Payloads {
  const m = n.maintenance;
  const url = new URL("/status", n.publicUrl).href;
  const start = formatUtc(m.startsAt);
  const end = formatUtc(m.endsAt);
  const body = t("message.maintenance.body", {
    title: m.title,
    start,
    end,
    description: m.description,
  }).trim();
  const affects = m.regions.length ? [t("incidents.affects", { regions: m.regions.join(", ") })] : [];
  return {
    email: emailPayload(
      n.org,
      n.publicUrl,
      t("message.maintenance.subject", { org: n.org, title: m.title }),
      [body, ...affects],
      url,
    ),
    sms: { text: smsText(t("message.maintenance.sms", { org: n.org, start, end, title: m.title }), url) },
    webhook: {
      event: {
        type: "status.maintenance",
        id: `maintenance:${m.id}`,
        organisation: n.org,
        maintenance: {
          id: m.id,
          title: m.title,
          description: m.description,
          regions: m.regions,
          startsAt: m.startsAt.toISOString(),
          endsAt: m.endsAt.toISOString(),
          url,
        },
        manageUrl: manageUrl(n.publicUrl, TOKEN),
      },
    },
  };
}

/** The double opt-in message: a link and a 6-digit code (typed on the page, for SMS). */
export function confirmationPayload(
  kind: SubscriberKind,
  n: { org: string; publicUrl: string; confirmUrl: string; code: string },
): Record<string, unknown> {
  const body = t("message.confirm.body", { org: n.org, url: n.confirmUrl, code: n.code });
  if (kind === "sms")
    return { text: t("message.confirm.sms", { org: n.org, code: n.code, url: n.confirmUrl }) };
  if (kind === "webhook")
    return {
      event: {
        type: "subscription.confirm",
        organisation: n.org,
        confirmUrl: n.confirmUrl,
        code: n.code,
        manageUrl: manageUrl(n.publicUrl, TOKEN),
      },
    };
  return emailPayload(n.org, n.publicUrl, t("message.confirm.subject", { org: n.org }), [body], null);
}

/** To an address already subscribed and confirmed: its management link, nothing changed. */
export function manageLinkPayload(
  kind: SubscriberKind,
  org: string,
  publicUrl: string,
): Record<string, unknown> {
  const url = manageUrl(publicUrl, TOKEN);
  if (kind === "sms") return { text: t("message.manage.sms", { org, url }) };
  if (kind === "webhook")
    return { event: { type: "subscription.exists", organisation: org, manageUrl: url } };
  return emailPayload(
    org,
    publicUrl,
    t("message.manage.subject", { org }),
    [t("message.manage.body", { url })],
    null,
  );
}

/** Put one subscriber's token into a payload built with TOKEN (tokens are base64url: JSON- and URL-safe). */
export function withToken(payload: Record<string, unknown>, token: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new RangeError("a subscriber token is base64url");
  return JSON.parse(JSON.stringify(payload).replaceAll(TOKEN, token)) as Record<string, unknown>;
}
