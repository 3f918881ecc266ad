import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscriberMatches } from "~/domain/status/public-status";
import { recordBounce, recordSmsReply } from "~/services/subscriber-signals.server";
import {
  confirmByCode,
  confirmByToken,
  getSubscription,
  type PublicContext,
  subscribe,
  unsubscribe,
  updateChoices,
} from "~/services/subscribers.server";
import {
  queueMaintenanceNotifications,
  queueSubscriberNotifications,
  subscriberToken,
  tokenHash,
} from "~/services/subscriptions.server";
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from "~/utils/errors";
import { deliveries, maintenanceWindows, subscribers } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { addChannels, addComponent, addUpdate, LINKS, openIncident } from "./support/status";

let t: TestDatabase;
let ctx: PublicContext;
let channelIds: Record<string, number>;

beforeAll(async () => {
  t = await freshDatabase();
  ctx = { db: t.database.db, orgId: t.org.id, links: LINKS };
  channelIds = await addChannels(t);
});
afterAll(async () => {
  await t?.close();
});

/** The confirmation (or other) message last queued for the subscriber with this address. */
async function lastMessage(address: string) {
  const [row] = await t.database.db
    .select({
      payload: deliveries.payload,
      subscriberId: deliveries.subscriberId,
      key: deliveries.idempotencyKey,
    })
    .from(deliveries)
    .innerJoin(subscribers, eq(subscribers.id, deliveries.subscriberId))
    .where(eq(subscribers.address, address))
    .orderBy(sql`${deliveries.id} desc`)
    .limit(1);
  return row;
}

let ipCounter = 0;
const meta = () => ({ ip: `198.51.100.${++ipCounter}` });

describe("double opt-in", () => {
  it("an email subscriber confirms by link; the message carries the link, the code and the unsubscribe link", async () => {
    const result = await subscribe(
      ctx,
      { kind: "email", address: " Dana@Example.COM ", regions: ["CA", "NV"] },
      meta(),
    );
    expect(result).toEqual({ kind: "email", masked: "d***@example.com" });
    const message = await lastMessage("dana@example.com");
    expect(message.key).toMatch(/^subscriber:\d+:confirm:/);
    const payload = message.payload as {
      subject: string;
      text: string;
      html: string;
      unsubscribeUrl: string;
    };
    const link = /https:\/\/status\.example\.com\/status\/confirm\?token=([\w-]+)/.exec(payload.text);
    expect(link).not.toBeNull();
    expect(payload.text).toMatch(/code \d{6}/);
    expect(payload.unsubscribeUrl).toMatch(
      /^https:\/\/status\.example\.com\/api\/v1\/unsubscribe\?token=[\w-]{43}$/,
    );
    expect(payload.html).toContain("/status/subscription?token=");

    // Not active until confirmed: nothing is stored in the clear.
    const [row] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.id, message.subscriberId!));
    expect(row.confirmedAt).toBeNull();
    expect(JSON.stringify(row)).not.toContain(link![1]);
    const manage = await confirmByToken(ctx, link![1]);
    expect(tokenHash(manage)).toBe(row.unsubscribeTokenHash);
    expect(payload.unsubscribeUrl.endsWith(manage)).toBe(true);
    const view = await getSubscription(ctx, manage);
    expect(view).toMatchObject({ status: "active", regions: ["CA", "NV"], masked: "d***@example.com" });
    // The link works once.
    await expect(confirmByToken(ctx, link![1])).rejects.toThrow(NotFoundError);
  });

  it("an SMS subscriber confirms by code; wrong codes count and five void it", async () => {
    await subscribe(ctx, { kind: "sms", address: "(415) 555-0100", regions: "CA" }, meta());
    const message = await lastMessage("+14155550100");
    const code = /code is (\d{6})/.exec((message.payload as { text: string }).text)![1];
    const wrong = code === "000000" ? "111111" : "000000";
    await expect(
      confirmByCode(ctx, { kind: "sms", address: "+1 415 555 0100", code: wrong }),
    ).rejects.toThrow(ValidationError);
    const manage = await confirmByCode(ctx, { kind: "sms", address: "+1 415 555 0100", code });
    expect((await getSubscription(ctx, manage)).status).toBe("active");

    await subscribe(ctx, { kind: "sms", address: "+14155550199" }, meta());
    const other = await lastMessage("+14155550199");
    const good = /code is (\d{6})/.exec((other.payload as { text: string }).text)![1];
    const bad = good === "123456" ? "654321" : "123456";
    for (let i = 0; i < 5; i++) {
      await expect(confirmByCode(ctx, { kind: "sms", address: "+14155550199", code: bad })).rejects.toThrow(
        ValidationError,
      );
    }
    await expect(confirmByCode(ctx, { kind: "sms", address: "+14155550199", code: good })).rejects.toThrow(
      ValidationError,
    );
  });

  it("the link and code expire after 24 hours", async () => {
    const then = new Date("2026-11-01T10:00:00Z");
    await subscribe(ctx, { kind: "email", address: "late@example.com" }, { ...meta(), now: then });
    const message = await lastMessage("late@example.com");
    const token = /confirm\?token=([\w-]+)/.exec((message.payload as { text: string }).text)![1];
    await expect(confirmByToken(ctx, token, new Date(then.getTime() + 25 * 3600_000))).rejects.toThrow(
      NotFoundError,
    );
    await expect(confirmByToken(ctx, token, new Date(then.getTime() + 23 * 3600_000))).resolves.toBeTypeOf(
      "string",
    );
  });

  it("subscribing a confirmed address again changes nothing and sends its management link instead", async () => {
    await subscribe(ctx, { kind: "email", address: "dana@example.com", regions: ["TX"] }, meta());
    const message = await lastMessage("dana@example.com");
    expect(message.key).toMatch(/:manage:/);
    const [row] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.address, "dana@example.com"));
    expect(row.regions).toEqual(["CA", "NV"]);
  });

  it("refuses bad input with field messages, unknown regions, kinds without a channel, private webhook URLs", async () => {
    const fields = async (input: unknown) => {
      try {
        await subscribe(ctx, input, meta());
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).fields;
      }
      throw new Error("expected a ValidationError");
    };
    expect(await fields({ kind: "email", address: "not-an-email" })).toHaveProperty("address");
    expect(await fields({ kind: "pigeon", address: "x" })).toHaveProperty("kind");
    expect(await fields({ kind: "email", address: "a@example.com", regions: ["ZZ"] })).toHaveProperty(
      "regions",
    );
    expect(await fields({ kind: "webhook", address: "http://example.com/hook" })).toHaveProperty("address");
    expect(await fields({ kind: "webhook", address: "https://127.0.0.1/hook" })).toHaveProperty("address");
    expect(await fields({ kind: "webhook", address: "https://localhost/hook" })).toHaveProperty("address");
    const noSms: PublicContext = { ...ctx };
    await t.database.db.execute(sql`update channels set enabled = false where kind = 'sms'`);
    await expect(subscribe(noSms, { kind: "sms", address: "+14155550111" }, meta())).rejects.toThrow(
      ValidationError,
    );
    await t.database.db.execute(sql`update channels set enabled = true where kind = 'sms'`);
  });

  it("rate-limits per address (3 an hour) and per IP address (10 an hour) with a Retry-After", async () => {
    const now = new Date("2026-11-02T12:10:00Z");
    for (let i = 0; i < 3; i++)
      await subscribe(ctx, { kind: "email", address: "spam@example.com" }, { ip: `203.0.113.${i}`, now });
    const error = await subscribe(
      ctx,
      { kind: "email", address: "spam@example.com" },
      { ip: "203.0.113.9", now },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(50 * 60);
    for (let i = 0; i < 10; i++)
      await subscribe(ctx, { kind: "email", address: `ip${i}@example.com` }, { ip: "203.0.113.77", now });
    await expect(
      subscribe(ctx, { kind: "email", address: "ip10@example.com" }, { ip: "203.0.113.77", now }),
    ).rejects.toThrow(RateLimitedError);
  });
});

describe("management and unsubscribe", () => {
  it("changes choices, unsubscribes (cancelling queued messages) and resumes by saving again", async () => {
    await subscribe(ctx, { kind: "webhook", address: "https://hooks.example.org/status" }, meta());
    const message = await lastMessage("https://hooks.example.org/status");
    const event = (message.payload as { event: { type: string; code: string } }).event;
    expect(event.type).toBe("subscription.confirm");
    const manage = await confirmByCode(ctx, {
      kind: "webhook",
      address: "https://hooks.example.org/status",
      code: event.code,
    });
    const updated = await updateChoices(ctx, manage, { regions: ["OR", "WA"] });
    expect(updated).toMatchObject({
      regions: ["OR", "WA"],
      status: "active",
      masked: "https://hooks.example.org/…",
    });

    // A pending message to it is cancelled by unsubscribing.
    await t.database.db.insert(deliveries).values({
      orgId: t.org.id,
      subscriberId: message.subscriberId,
      channelId: channelIds.webhook,
      channelKind: "webhook",
      payload: { event: {} },
      idempotencyKey: `test:pending:${message.subscriberId}`,
    });
    expect((await unsubscribe(ctx, manage)).status).toBe("unsubscribed");
    const [pending] = await t.database.db
      .select({ state: deliveries.state })
      .from(deliveries)
      .where(eq(deliveries.idempotencyKey, `test:pending:${message.subscriberId}`));
    expect(pending.state).toBe("cancelled");
    expect((await updateChoices(ctx, manage, {})).status).toBe("active");
  });

  it("an address that unsubscribed and subscribes again is pending until it confirms again", async () => {
    await subscribe(ctx, { kind: "email", address: "again@example.com" }, meta());
    let token = /confirm\?token=([\w-]+)/.exec(
      ((await lastMessage("again@example.com")).payload as { text: string }).text,
    )![1];
    const manage = await confirmByToken(ctx, token);
    await unsubscribe(ctx, manage);
    await subscribe(ctx, { kind: "email", address: "again@example.com" }, meta());
    const message = await lastMessage("again@example.com");
    expect(message.key).toMatch(/:confirm:/);
    expect((await getSubscription(ctx, manage)).status).toBe("pending");
    token = /confirm\?token=([\w-]+)/.exec((message.payload as { text: string }).text)![1];
    expect(await confirmByToken(ctx, token)).toBe(manage);
    expect((await getSubscription(ctx, manage)).status).toBe("active");
  });

  it("an unknown or malformed token is not found", async () => {
    await expect(getSubscription(ctx, "x".repeat(43))).rejects.toThrow(NotFoundError);
    await expect(getSubscription(ctx, "../../etc")).rejects.toThrow(NotFoundError);
    await expect(unsubscribe(ctx, undefined)).rejects.toThrow(NotFoundError);
  });
});

describe("bounces and SMS STOP", () => {
  it("a hard bounce or complaint makes an email inactive at once; three soft bounces too", async () => {
    const make = async (address: string) => {
      await subscribe(ctx, { kind: "email", address }, meta());
      const token = /confirm\?token=([\w-]+)/.exec(
        ((await lastMessage(address)).payload as { text: string }).text,
      )![1];
      return confirmByToken(ctx, token);
    };
    const hard = await make("hard@example.com");
    expect(
      await recordBounce(t.database.db, t.org.id, {
        kind: "email",
        address: "HARD@example.com",
        type: "hard",
      }),
    ).toBe(1);
    expect((await getSubscription(ctx, hard)).status).toBe("inactive");

    const soft = await make("soft@example.com");
    for (let i = 0; i < 2; i++)
      await recordBounce(t.database.db, t.org.id, {
        kind: "email",
        address: "soft@example.com",
        type: "soft",
      });
    expect((await getSubscription(ctx, soft)).status).toBe("active");
    await recordBounce(t.database.db, t.org.id, { kind: "email", address: "soft@example.com", type: "soft" });
    expect((await getSubscription(ctx, soft)).status).toBe("inactive");
    const [row] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.address, "soft@example.com"));
    expect(row.inactiveReason).toBe("bounced");
    expect(
      await recordBounce(t.database.db, t.org.id, {
        kind: "email",
        address: "nobody@example.com",
        type: "hard",
      }),
    ).toBe(0);
  });

  it("STOP deactivates the number, START resumes it, other texts are ignored", async () => {
    const token = await confirmByCode(ctx, {
      kind: "sms",
      address: "+14155550100",
      code: "000000",
    }).catch(() => null);
    expect(token).toBeNull(); // already confirmed: its code is gone
    const [row] = await t.database.db
      .select()
      .from(subscribers)
      .where(eq(subscribers.address, "+14155550100"));
    const manage = subscriberToken(LINKS.secret, row.id, row.createdAt);
    expect(await recordSmsReply(t.database.db, t.org.id, { from: "+14155550100", keyword: null })).toBe(
      "ignored",
    );
    expect(await recordSmsReply(t.database.db, t.org.id, { from: "+14155550100", keyword: "stop" })).toBe(
      "stopped",
    );
    expect((await getSubscription(ctx, manage)).status).toBe("inactive");
    expect(await recordSmsReply(t.database.db, t.org.id, { from: "+14155550100", keyword: "start" })).toBe(
      "started",
    );
    expect((await getSubscription(ctx, manage)).status).toBe("active");
  });
});

describe("queueSubscriberNotifications", () => {
  it("queues one delivery per matching confirmed active subscriber, with its own links, and only once", async () => {
    const power = await addComponent(t, "Power");
    const internet = await addComponent(t, "Internet", 1);
    const incident = await openIncident(t, "West outage (internal name)", ["CA", "NV"]);
    // A grid of choices against an update about CA and NV and the Power component.
    const choices: { regions: string[]; componentIds: number[] }[] = [
      { regions: [], componentIds: [] },
      { regions: ["CA"], componentIds: [] },
      { regions: ["NV", "TX"], componentIds: [] },
      { regions: ["TX"], componentIds: [] },
      { regions: [], componentIds: [power.id] },
      { regions: [], componentIds: [internet.id] },
      { regions: ["TX"], componentIds: [power.id] },
    ];
    const created = await t.database.db
      .insert(subscribers)
      .values(
        choices.map((c, i) => ({
          orgId: t.org.id,
          kind: (["email", "sms", "webhook"] as const)[i % 3],
          address:
            i % 3 === 1
              ? `+1415555${String(1000 + i)}`
              : i % 3 === 2
                ? `https://h${i}.example.com/`
                : `grid${i}@example.com`,
          regions: c.regions,
          componentIds: c.componentIds,
          confirmedAt: new Date(),
          unsubscribeTokenHash: `grid-${i}`,
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        })),
      )
      .returning();
    // Never notified: unconfirmed, unsubscribed, inactive (all for everything).
    await t.database.db.insert(subscribers).values([
      { orgId: t.org.id, kind: "email", address: "pending@example.com", unsubscribeTokenHash: "p1" },
      {
        orgId: t.org.id,
        kind: "email",
        address: "gone@example.com",
        unsubscribeTokenHash: "p2",
        confirmedAt: new Date(),
        unsubscribedAt: new Date(),
      },
      {
        orgId: t.org.id,
        kind: "email",
        address: "bounced@example.com",
        unsubscribeTokenHash: "p3",
        confirmedAt: new Date(),
        inactiveAt: new Date(),
        inactiveReason: "bounced" as const,
      },
    ]);
    const draft = await addUpdate(t, incident.id, { publishedAt: null });
    await expect(queueSubscriberNotifications(t.database.db, t.org.id, draft.id, LINKS)).rejects.toThrow(
      ConflictError,
    );

    const update = await addUpdate(t, incident.id, {
      title: "Power outage in California and Nevada",
      regions: ["CA", "NV"],
      componentStatuses: { [String(power.id)]: "major_outage" },
      nextUpdateAt: new Date("2026-11-02T16:00:00Z"),
    });
    const before = await t.database.db.select({ id: deliveries.id }).from(deliveries);
    const queued = await t.database.db.transaction((tx) =>
      queueSubscriberNotifications(tx, t.org.id, update.id, LINKS),
    );
    const rows = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, update.id));
    expect(rows.length).toBe(queued);
    const about = { regions: ["CA", "NV"], componentIds: [power.id] };
    const expected = created.filter((s) => subscriberMatches(s, about)).map((s) => s.id);
    // Earlier tests' confirmed, active subscribers (with no choices, or CA) match too.
    const gridIds = new Set(created.map((s) => s.id));
    expect(
      rows
        .map((r) => r.subscriberId)
        .filter((id) => gridIds.has(id!))
        .sort(),
    ).toEqual(expected.sort());
    expect(expected.length).toBe(5);
    for (const r of rows) {
      const sub = created.find((s) => s.id === r.subscriberId);
      expect(r.idempotencyKey).toBe(`update:${update.id}:subscriber:${r.subscriberId}`);
      expect(r.incidentId).toBe(incident.id);
      expect(r.state).toBe("pending");
      expect(r.channelId).toBe(channelIds[r.channelKind!]);
      if (!sub) continue;
      const token = subscriberToken(LINKS.secret, sub.id, sub.createdAt);
      const text = JSON.stringify(r.payload);
      // SMS carries the STOP reply instead of a link (carriers require it; it keeps the text short).
      if (r.channelKind === "sms") expect(text).toContain("Reply STOP");
      else expect(text).toContain(`token=${token}`);
      expect(text).not.toContain("{{TOKEN}}");
      expect(text).not.toContain("internal name");
      if (r.channelKind === "email") {
        expect(r.payload).toMatchObject({ subject: "[Clarion] Power outage in California and Nevada" });
        expect((r.payload as { text: string }).text).toContain(
          `/status/incidents/${incident.id}#update-${update.number}`,
        );
      }
      if (r.channelKind === "sms")
        expect((r.payload as { text: string }).text.length).toBeLessThanOrEqual(306);
      if (r.channelKind === "webhook")
        expect(r.payload).toMatchObject({ event: { type: "status.update", incident: { id: incident.id } } });
    }
    expect(before.length + queued).toBe(
      (await t.database.db.select({ id: deliveries.id }).from(deliveries)).length,
    );
    // Idempotent.
    expect(await queueSubscriberNotifications(t.database.db, t.org.id, update.id, LINKS)).toBe(0);
  });

  it("fans out to thousands of subscribers set-based, skipping kinds without an enabled channel", async () => {
    const incident = await openIncident(t, "Texas storm", ["TX"]);
    await t.database.db.execute(sql`
      insert into subscribers (org_id, kind, address, regions, confirmed_at, unsubscribe_token_hash, created_at)
      select ${t.org.id}, case when g % 2 = 0 then 'email' else 'sms' end,
             case when g % 2 = 0 then 'bulk' || g || '@example.com' else '+1512' || lpad(g::text, 7, '0') end,
             array['TX'], now(), 'bulk-' || g, now()
      from generate_series(1, 6000) g`);
    await t.database.db.execute(sql`update channels set enabled = false where kind = 'sms'`);
    const update = await addUpdate(t, incident.id, { regions: ["TX"] });
    const queued = await queueSubscriberNotifications(t.database.db, t.org.id, update.id, LINKS);
    const [{ n }] = (await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(deliveries)
      .where(eq(deliveries.updateId, update.id))) as { n: number }[];
    // 3,000 bulk emails plus the earlier email and webhook subscribers for everything or TX; no SMS.
    expect(n).toBe(queued);
    const [{ sms }] = (await t.database.db
      .select({ sms: sql<number>`count(*)::int` })
      .from(deliveries)
      .where(and(eq(deliveries.updateId, update.id), eq(deliveries.channelKind, "sms")))) as {
      sms: number;
    }[];
    expect(sms).toBe(0);
    expect(queued).toBeGreaterThanOrEqual(3000);
    expect(queued).toBeLessThan(3010);
    await t.database.db.execute(sql`update channels set enabled = true where kind = 'sms'`);
    // Re-enabled, the SMS subscribers are queued by a second call, the emails are not queued twice.
    const second = await queueSubscriberNotifications(t.database.db, t.org.id, update.id, LINKS);
    expect(second).toBeGreaterThanOrEqual(3000);
    expect(second).toBeLessThan(3010);
  });

  it("queues maintenance notices the same way", async () => {
    const [m] = await t.database.db
      .insert(maintenanceWindows)
      .values({
        orgId: t.org.id,
        title: "Substation upgrade",
        regions: ["OR"],
        startsAt: new Date("2026-11-10T02:00:00Z"),
        endsAt: new Date("2026-11-10T04:00:00Z"),
      })
      .returning();
    const queued = await queueMaintenanceNotifications(t.database.db, t.org.id, m.id, LINKS);
    const rows = await t.database.db.select().from(deliveries).where(eq(deliveries.maintenanceId, m.id));
    expect(rows.length).toBe(queued);
    expect(
      rows.every(
        (r) => r.updateId === null && r.idempotencyKey.startsWith(`maintenance:${m.id}:subscriber:`),
      ),
    ).toBe(true);
    const email = rows.find((r) => r.channelKind === "email")!;
    expect((email.payload as { subject: string }).subject).toBe(
      "[Clarion] Scheduled maintenance: Substation upgrade",
    );
    expect((email.payload as { text: string }).text).toContain("Nov 10, 2026, 02:00 UTC");
    expect(await queueMaintenanceNotifications(t.database.db, t.org.id, m.id, LINKS)).toBe(0);
  });
});
