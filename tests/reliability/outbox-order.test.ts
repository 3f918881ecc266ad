import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue } from "~/services/delivery-worker.server";
import { deliveries, statusUpdates } from "~db/schema";
import { freshDatabase, type TestDatabase } from "../support/db";
import {
  approveOne,
  box,
  closeRemotes,
  connectRemotes,
  type Newsroom,
  newsroom,
  openIncident,
  PUBLIC_URL,
  type Remote,
  tagOf,
} from "./support";

/**
 * Follow-ups of an incident go out on each channel in order, one after the other (so they thread under
 * the first post) — but only behind updates that are actually going out: one scheduled for later, or
 * approved while the kill switch held it, must not hold up what is published now.
 */

let t: TestDatabase;
let remotes: Map<number, Remote>;
let people: Newsroom;

beforeAll(async () => {
  t = await freshDatabase();
  [remotes, people] = await Promise.all([connectRemotes(t, ["x", "mastodon"]), newsroom(t)]);
});
afterAll(async () => {
  await closeRemotes(remotes?.values() ?? []);
  await t?.close();
});

const pass = () => deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "in-process" });

describe("the order of an incident's updates on a channel", () => {
  it("does not hold a published update behind one scheduled for later", async () => {
    const db = t.database.db;
    const incidentId = await openIncident(db, t.org.id, people, "Scheduled and urgent");
    const later = new Date(Date.now() + 3 * 3600_000);
    const scheduled = await approveOne(db, t.org.id, people, incidentId, "o-scheduled", {
      kind: "resolution",
      scheduledAt: later.toISOString(),
    });
    const urgent = await approveOne(db, t.org.id, people, incidentId, "o-urgent");
    await pass();

    const state = async (updateId: number) =>
      (
        await db
          .select()
          .from(deliveries)
          .where(eq(deliveries.updateId, updateId))
          .orderBy(asc(deliveries.id))
      ).map((d) => d.state);
    expect(await state(urgent)).toEqual(["sent", "sent", "sent"]); // status page, X, Mastodon
    expect(await state(scheduled)).toEqual(["pending", "pending", "pending"]);
    for (const remote of remotes.values()) {
      expect(remote.posts().map((p) => tagOf(p.text))).toEqual(["o-urgent"]);
    }

    // Its time comes: it goes out and threads under what is already there.
    await db.update(statusUpdates).set({ scheduledAt: new Date() }).where(eq(statusUpdates.id, scheduled));
    await db.update(deliveries).set({ nextAttemptAt: new Date() }).where(eq(deliveries.updateId, scheduled));
    await pass();
    expect(await state(scheduled)).toEqual(["sent", "sent", "sent"]);
    for (const remote of remotes.values()) {
      expect(remote.posts().map((p) => tagOf(p.text))).toEqual(["o-urgent", "o-scheduled"]);
    }
  });
});
