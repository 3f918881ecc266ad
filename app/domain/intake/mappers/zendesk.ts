import {
  asArray,
  compact,
  describe,
  id,
  isObject,
  isoDate,
  type Json,
  type MapContext,
  type MapSink,
  text,
} from "./shared";

const CREATED = "zen:event-type:ticket.created";

/**
 * `zendesk`: a ticket, in any of the shapes Zendesk sends or a trigger's JSON body template produces:
 * `{ ticket }` (Tickets API / trigger), `{ tickets: [...] }` (list, with an optional `users` side-load
 * used to find the requester), a bare ticket `{ id, subject, description, … }`, or an event webhook
 * `{ type: "zen:event-type:ticket.created", detail: ticket }` (other event types are ignored).
 *
 * - externalId = ticket id; createdAt = created_at; text = subject, a blank line, then description
 *   (only one of them if the other is empty or repeats it). A ticket with neither is an error.
 * - author: `requester` object (trigger templates) or the side-loaded user matching `requester_id`:
 *   name, and the email as handle (what a reply goes to). No follower count.
 * - postalCode, in order: the custom field whose id is configured as `zendesk.postalCodeFieldId`
 *   (`custom_fields` / `fields` entries `{ id, value }`); the ticket's own `postal_code` or `zip`
 *   (a trigger template can add them); the requester's `user_fields.postal_code` or `zip`.
 * - location, in order: the custom field configured as `zendesk.locationFieldId`; the ticket's
 *   `location`; the requester's `user_fields.location`.
 * - url = the agent view (`https://<sub>.zendesk.com/agent/tickets/<id>`), derived from the ticket's
 *   API `url` when present.
 */
export function mapZendesk(payload: unknown, ctx: MapContext, sink: MapSink): void {
  if (Array.isArray(payload)) {
    for (const [index, ticket] of payload.entries())
      mapTicket(ticket, new Map(), index, `[${index}]`, ctx, sink);
    return;
  }
  if (!isObject(payload)) {
    sink.error(0, `expected a Zendesk ticket or ticket event, got ${describe(payload)}`);
    return;
  }
  const users = new Map<string, Json>();
  for (const user of asArray(payload.users)) {
    const key = isObject(user) ? id(user.id) : undefined;
    if (key && isObject(user)) users.set(key, user);
  }
  if (typeof payload.type === "string" && payload.type.startsWith("zen:event-type:")) {
    if (payload.type === CREATED) mapTicket(payload.detail, users, 0, "detail", ctx, sink);
    else sink.ignore();
    return;
  }
  if ("ticket" in payload) {
    mapTicket(payload.ticket, users, 0, "ticket", ctx, sink);
    return;
  }
  if (Array.isArray(payload.tickets)) {
    for (const [index, ticket] of payload.tickets.entries()) {
      mapTicket(ticket, users, index, `tickets[${index}]`, ctx, sink);
    }
    return;
  }
  if ("id" in payload && ("subject" in payload || "description" in payload)) {
    mapTicket(payload, users, 0, "ticket", ctx, sink);
    return;
  }
  sink.error(
    0,
    "expected a Zendesk ticket ({ ticket }, { tickets }, a bare ticket or a ticket.created event)",
  );
}

function mapTicket(
  ticket: unknown,
  users: Map<string, Json>,
  index: number,
  where: string,
  ctx: MapContext,
  sink: MapSink,
) {
  if (!isObject(ticket))
    return sink.error(index, `${where}: expected a ticket object, got ${describe(ticket)}`);
  const ticketId = id(ticket.id);
  if (!ticketId) return sink.error(index, `${where}: ticket has no id`);
  const subject = typeof ticket.subject === "string" ? text(ticket.subject) : undefined;
  const description = typeof ticket.description === "string" ? text(ticket.description) : undefined;
  const words =
    subject && description && !description.startsWith(subject)
      ? `${subject}\n\n${description}`
      : (description ?? subject);
  if (!words) return sink.error(index, `${where}: ticket ${ticketId} has neither subject nor description`);
  const requester = isObject(ticket.requester) ? ticket.requester : users.get(id(ticket.requester_id) ?? "");
  const userFields = isObject(requester?.user_fields) ? requester.user_fields : undefined;
  const fields = [...asArray(ticket.custom_fields), ...asArray(ticket.fields)].filter(isObject);
  const field = (fieldId: string | number | undefined) => {
    if (fieldId === undefined) return undefined;
    const match = fields.find((f) => id(f.id) === String(fieldId));
    return text(match?.value);
  };
  sink.record(
    index,
    compact({
      source: ctx.source,
      externalId: ticketId,
      text: words,
      createdAt: isoDate(ticket.created_at),
      author: { name: text(requester?.name), handle: text(requester?.email) },
      postalCode:
        field(ctx.zendesk?.postalCodeFieldId) ??
        text(ticket.postal_code) ??
        text(ticket.zip) ??
        text(userFields?.postal_code) ??
        text(userFields?.zip),
      location: field(ctx.zendesk?.locationFieldId) ?? text(ticket.location) ?? text(userFields?.location),
      url: agentUrl(ticket.url, ticketId),
    }),
  );
}

/** `https://acme.zendesk.com/api/v2/tickets/35436.json` → `https://acme.zendesk.com/agent/tickets/35436`. */
function agentUrl(apiUrl: unknown, ticketId: string): string | undefined {
  if (typeof apiUrl !== "string") return undefined;
  const match = /^(https:\/\/[^/]+)\/api\/v2\/tickets\/(\d+)\.json$/.exec(apiUrl.trim());
  return match && match[2] === ticketId ? `${match[1]}/agent/tickets/${ticketId}` : undefined;
}
