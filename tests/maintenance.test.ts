import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { SYSTEM } from "~/services/audit.server";
import { cancelMaintenance, createMaintenance, runMaintenance } from "~/services/maintenance.server";
import { publicStatus, statusVersion } from "~/services/status-page.server";
import type { ValidationError } from "~/utils/errors";
import { deliveries, maintenanceWindows, subscribers } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Client, createUser, startTestServer } from "./support/server";
import { addChannels, addComponent, LINKS } from "./support/status";

let t: TestDatabase;
const T0 = new Date("2026-11-02T10:00:00Z");
const min = 60_000;

beforeAll(async () => {
  t = await freshDatabase();
  await addChannels(t, ["email"]);
});
afterAll(async () => {
  await t?.close();
});

describe("maintenance windows", () => {
  it("notify matching subscribers before the start, open at the start, complete at the end", async () => {
    const network = await addComponent(t, "Network");
    await t.database.db.insert(subscribers).values([
      {
        orgId: t.org.id,
        kind: "email",
        address: "or@example.com",
        regions: ["OR"],
        confirmedAt: T0,
        unsubscribeTokenHash: "a",
      },
      {
        orgId: t.org.id,
        kind: "email",
        address: "net@example.com",
        componentIds: [network.id],
        confirmedAt: T0,
        unsubscribeTokenHash: "b",
      },
      {
        orgId: t.org.id,
        kind: "email",
        address: "tx@example.com",
        regions: ["TX"],
        confirmedAt: T0,
        unsubscribeTokenHash: "c",
      },
    ]);
    const m = await createMaintenance(
      t.database.db,
      t.org.id,
      {
        title: "Network upgrade",
        description: "Short interruptions.",
        regions: ["OR"],
        components: [String(network.id)],
        startsAt: "2026-11-02T12:00",
        endsAt: "2026-11-02T14:00",
        notifyMinutesBefore: "60",
      },
      SYSTEM,
      T0,
    );
    expect(m.startsAt.toISOString()).toBe("2026-11-02T12:00:00.000Z");
    const db = t.database.db;
    const turn = (at: number) => runMaintenance(db, t.org.id, new Date(T0.getTime() + at), LINKS);

    expect(await turn(30 * min)).toEqual({ notified: 0, queued: 0, opened: 0, completed: 0 });
    expect(await turn(60 * min)).toEqual({ notified: 1, queued: 2, opened: 0, completed: 0 });
    const queued = await db.select().from(deliveries).where(eq(deliveries.maintenanceId, m.id));
    expect(queued.map((d) => d.idempotencyKey).sort()).toHaveLength(2);
    expect(await turn(61 * min)).toEqual({ notified: 0, queued: 0, opened: 0, completed: 0 });

    expect(await turn(120 * min)).toEqual({ notified: 0, queued: 0, opened: 1, completed: 0 });
    const during = new Date(T0.getTime() + 121 * min);
    const status = await publicStatus(db, t.org.id, await statusVersion(db, t.org.id, during), during);
    expect(status.level).toBe("maintenance");
    expect(status.components.find((c) => c.name === "Network")?.status).toBe("maintenance");
    expect(status.regions.find((r) => r.code === "OR")?.state).toBe("maintenance");

    expect(await turn(240 * min)).toEqual({ notified: 0, queued: 0, opened: 0, completed: 1 });
    const [done] = await db.select().from(maintenanceWindows).where(eq(maintenanceWindows.id, m.id));
    expect(done.state).toBe("completed");
  });

  it("a window whose notice time passed while nothing ran is still announced before it starts, never after it ends", async () => {
    const late = await createMaintenance(
      t.database.db,
      t.org.id,
      {
        title: "Late notice",
        regions: ["OR"],
        startsAt: "2026-11-03T10:00Z",
        endsAt: "2026-11-03T11:00Z",
        notifyMinutesBefore: "1440",
      },
      SYSTEM,
      T0,
    );
    const gone = await createMaintenance(
      t.database.db,
      t.org.id,
      { title: "Missed", regions: ["OR"], startsAt: "2026-11-03T01:00Z", endsAt: "2026-11-03T02:00Z" },
      SYSTEM,
      T0,
    );
    const result = await runMaintenance(t.database.db, t.org.id, new Date("2026-11-03T09:00:00Z"), LINKS);
    expect(result.notified).toBe(1);
    expect(result.completed).toBe(1);
    const rows = await t.database.db.select().from(maintenanceWindows);
    expect(rows.find((r) => r.id === late.id)?.notifiedAt).not.toBeNull();
    expect(rows.find((r) => r.id === gone.id)).toMatchObject({ notifiedAt: null, state: "completed" });
  });

  it("cancels a scheduled window (no notice, no opening) and validates input", async () => {
    const m = await createMaintenance(
      t.database.db,
      t.org.id,
      { title: "Cancelled work", startsAt: "2026-11-20T10:00", endsAt: "2026-11-20T11:00" },
      SYSTEM,
      T0,
    );
    expect((await cancelMaintenance(t.database.db, t.org.id, m.id, SYSTEM, T0)).state).toBe("cancelled");
    const result = await runMaintenance(t.database.db, t.org.id, new Date("2026-11-20T10:30:00Z"), LINKS);
    expect(result.opened).toBe(0);
    const bad = async (input: Record<string, string>) =>
      createMaintenance(t.database.db, t.org.id, input, SYSTEM, T0).then(
        () => ({}),
        (e: ValidationError) => e.fields,
      );
    expect(
      await bad({ title: "x", startsAt: "2026-11-20T10:00", endsAt: "2026-11-20T11:00" }),
    ).toHaveProperty("title");
    expect(
      await bad({ title: "Backwards", startsAt: "2026-11-20T10:00", endsAt: "2026-11-20T09:00" }),
    ).toHaveProperty("endsAt");
    expect(await bad({ title: "Garbled", startsAt: "soon", endsAt: "2026-11-20T09:00" })).toHaveProperty(
      "startsAt",
    );
    expect(
      await bad({
        title: "Nowhere",
        startsAt: "2026-11-20T10:00",
        endsAt: "2026-11-20T11:00",
        regions: "ZZ",
      }),
    ).toHaveProperty("regions");
  });
});

describe("the maintenance settings page", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(t, {}, { workers: false });
    await createUser(t, "commander");
    await createUser(t, "viewer");
  });
  afterAll(async () => {
    await server?.close();
  });

  it("lets a commander schedule a window that the public page then lists; a viewer gets 403", async () => {
    const commander = new Client(server.url);
    await commander.signIn("commander@test.example");
    expect((await commander.request("/settings/maintenance")).status).toBe(200);
    const start = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    const end = new Date(Date.now() + 90_000_000).toISOString().slice(0, 16);
    const created = await commander.post("/settings/maintenance", {
      intent: "create",
      title: "Router firmware",
      startsAt: start,
      endsAt: end,
      notifyMinutesBefore: "30",
    });
    expect(created.status).toBe(200);
    expect(await created.text()).toContain("is scheduled");
    const publicPage = await (await fetch(`${server.url}/status`)).text();
    expect(publicPage).toContain("Router firmware");

    const viewer = new Client(server.url);
    await viewer.signIn("viewer@test.example");
    expect((await viewer.request("/settings/maintenance")).status).toBe(403);
    expect((await viewer.post("/settings/maintenance", { intent: "create", title: "Nope" })).status).toBe(
      403,
    );
  });
});
