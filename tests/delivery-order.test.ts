import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveChannel } from "~/services/channels.server";
import { deliverDue } from "~/services/delivery-worker.server";
import { createIncident } from "~/services/incidents.server";
import { approveUpdate, createUpdate, submitUpdate } from "~/services/updates.server";
import { SecretBox } from "~/utils/crypto.server";
import { channels, deliveries } from "~db/schema";
import { FakeMastodon } from "./fakes/mastodon";
import { freshDatabase, type TestDatabase } from "./support/db";
import { createUser } from "./support/server";

/**
 * Follow-ups keep their order on a channel and thread under the incident's first post; a retry of an
 * earlier update holds the later one back, a scheduled one does not.
 */

let t: TestDatabase;
let mastodon: FakeMastodon;
const box = new SecretBox("o".repeat(40));
const PUBLIC_URL = "https://status.example.com";
let comms: { kind: "user"; userId: number; role: "comms" };
let approver: { kind: "user"; userId: number; role: "approver" };
let incidentId: number;

beforeAll(async () => {
  t = await freshDatabase();
  mastodon = await FakeMastodon.start();
  comms = { kind: "user", userId: (await createUser(t, "comms")).id, role: "comms" };
  approver = { kind: "user", userId: (await createUser(t, "approver")).id, role: "approver" };
  await t.database.db.update(channels).set({ enabled: false }).where(eq(channels.kind, "status_page"));
  await saveChannel(
    t.database.db,
    box,
    t.org.id,
    {
      kind: "mastodon",
      name: "Mastodon",
      config: { baseUrl: mastodon.url },
      credentials: { accessToken: mastodon.token },
    },
    { kind: "user", userId: comms.userId },
  );
  incidentId = (
    await createIncident(
      t.database.db,
      t.org.id,
      { title: "Billing errors", severity: "SEV3", regions: ["TX"], topics: ["billing"] },
      { kind: "user", userId: comms.userId },
    )
  ).id;
});
afterAll(async () => {
  await mastodon?.close();
  await t?.close();
});

async function publish(body: string, scheduledAt?: Date) {
  const u = await createUpdate(
    t.database.db,
    t.org.id,
    incidentId,
    { kind: "update", body, nextUpdateMinutes: 30, scheduledAt: scheduledAt?.toISOString() },
    comms,
  );
  await submitUpdate(t.database.db, t.org.id, u.id, comms);
  await approveUpdate(t.database.db, t.org.id, u.id, { version: u.version }, approver, {
    publicUrl: PUBLIC_URL,
  });
  const [d] = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, u.id));
  return d;
}

const pass = () => deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "order-test" });

describe("order and threading on one channel", () => {
  it("holds a follow-up while the earlier update is being retried, then threads it under the first post", async () => {
    mastodon.trouble({ status: 503, match: "POST /api/v1/statuses" });
    const first = await publish("Some customers in Texas were charged twice; we are on it.");
    const second = await publish("Refunds for the double charges in Texas have started.");
    await pass();
    const [a] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, first.id));
    const [b] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, second.id));
    expect(a.state).toBe("pending"); // 503: retry later
    expect(a.attempts).toBe(1);
    expect(b.state).toBe("pending");
    expect(b.attempts).toBe(0); // never claimed: it waits for the first
    expect(mastodon.posts).toHaveLength(0);

    await t.database.db
      .update(deliveries)
      .set({ nextAttemptAt: new Date() })
      .where(eq(deliveries.id, first.id));
    await pass();
    const sent = await t.database.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.incidentId, incidentId), eq(deliveries.state, "sent")));
    expect(sent.map((d) => d.id).sort()).toEqual([first.id, second.id].sort());
    expect(mastodon.posts).toHaveLength(2);
    const [p1, p2] = mastodon.posts;
    expect(p1.text).toContain("charged twice");
    expect(p2.text).toContain("Refunds");
    expect(p2.inReplyToId).toBe(p1.id);
  });

  it("does not hold a published follow-up behind an update scheduled for later", async () => {
    const later = new Date(Date.now() + 3600_000);
    const scheduled = await publish("Maintenance on the billing system tonight.", later);
    const now = await publish("Correction: the refunds reach accounts within two days.");
    await pass();
    const [s] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, scheduled.id));
    const [n] = await t.database.db.select().from(deliveries).where(eq(deliveries.id, now.id));
    expect(s.state).toBe("pending");
    expect(n.state).toBe("sent");
  });
});
