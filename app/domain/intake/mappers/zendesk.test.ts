import { describe, expect, it } from "vitest";
import ticket from "../fixtures/zendesk-ticket.json";
import event from "../fixtures/zendesk-ticket-created-event.json";
import { parseComplaintRecord } from "../record";
import { mapPayload } from "./index";

const source = "zendesk";
const zendesk = { postalCodeFieldId: 27642, locationFieldId: "27648" };

describe("zendesk mapper", () => {
  it("maps a ticket: subject and description as text, requester as author, configured fields", () => {
    const result = mapPayload("zendesk", ticket, { source, zendesk });
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      {
        source,
        externalId: "35436",
        text:
          "No internet since this morning\n\nModem shows red light since about 7am. Restarted twice. " +
          "Working from home and can't connect at all.",
        createdAt: "2026-11-02T14:12:09Z",
        author: { name: "Dana Ortiz", handle: "dana@example.com" },
        postalCode: "93701",
        location: "Fresno, CA",
        url: "https://clarion-demo.zendesk.com/agent/tickets/35436",
      },
    ]);
    expect(parseComplaintRecord(result.records[0]).ok).toBe(true);
  });

  it("has no postal code or location unless a field is configured or the ticket carries one", () => {
    const plain = mapPayload("zendesk", ticket, { source });
    expect(plain.records[0]).not.toHaveProperty("postalCode");
    expect(plain.records[0]).not.toHaveProperty("location");
    const flat = mapPayload(
      "zendesk",
      { ticket: { ...ticket.ticket, postal_code: "89502", location: "Reno, NV" } },
      { source },
    );
    expect(flat.records[0]).toMatchObject({ postalCode: "89502", location: "Reno, NV" });
  });

  it("maps a ticket.created event, with the requester from a users side-load when present", () => {
    const result = mapPayload(
      "zendesk",
      { ...event, users: [{ id: 20978400, name: "Pat Doe", email: "pat@example.com" }] },
      { source },
    );
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      {
        source,
        externalId: "35437",
        text: "Double charge\n\nBilling: I was charged twice for the October invoice. Please refund one of them.",
        createdAt: "2026-11-02T14:20:31Z",
        author: { name: "Pat Doe", handle: "pat@example.com" },
      },
    ]);
  });

  it("ignores other ticket events and maps bare tickets and lists", () => {
    expect(
      mapPayload("zendesk", { ...event, type: "zen:event-type:ticket.status_changed" }, { source }),
    ).toEqual({
      records: [],
      indices: [],
      errors: [],
      ignored: 1,
    });
    expect(mapPayload("zendesk", ticket.ticket, { source }).records).toHaveLength(1);
    const list = mapPayload(
      "zendesk",
      { tickets: [ticket.ticket, { id: 9, subject: "", description: " " }, "x"] },
      { source },
    );
    expect(list.indices).toEqual([0]);
    expect(list.errors).toEqual([
      { index: 1, message: "tickets[1]: ticket 9 has neither subject nor description" },
      { index: 2, message: 'tickets[2]: expected a ticket object, got string "x"' },
    ]);
  });

  it("does not repeat a subject the description already starts with", () => {
    const result = mapPayload(
      "zendesk",
      {
        id: 1,
        subject: "Outage",
        description: "Outage in 93701 since noon",
        created_at: "2026-11-02T14:12:09Z",
      },
      { source },
    );
    expect(result.records[0]).toMatchObject({ text: "Outage in 93701 since noon" });
  });
});
