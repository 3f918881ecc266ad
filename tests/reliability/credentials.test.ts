import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDue } from "~/services/delivery-worker.server";
import { deliveries } from "~db/schema";
import { freshDatabase, type TestDatabase } from "../support/db";
import {
  approveOne,
  attemptsOf,
  box,
  closeRemotes,
  connectRemotes,
  type Newsroom,
  newsroom,
  openIncident,
  PUBLIC_URL,
  type Remote,
} from "./support";

/**
 * Credentials the remote refuses (a revoked Mastodon token, a wrong Bluesky app password, X keys whose
 * signature does not verify, an expired Facebook Page token): every delivery fails at once with a reason
 * that says what to fix, after exactly one attempt and one request — however many passes follow, nothing
 * is retried — while the status page still publishes.
 */

let t: TestDatabase;
let remotes: Map<number, Remote>;
let people: Newsroom;

beforeAll(async () => {
  t = await freshDatabase();
  [remotes, people] = await Promise.all([
    connectRemotes(t, ["x", "facebook", "mastodon", "bluesky"], {
      x: { accessTokenSecret: "not-the-secret" },
      facebook: { pageAccessToken: "EAAexpired" },
      mastodon: { accessToken: "revoked-token" },
      bluesky: { appPassword: "wrong-wrong-wrong-wrong" },
    }),
    newsroom(t),
  ]);
});
afterAll(async () => {
  await closeRemotes(remotes?.values() ?? []);
  await t?.close();
});

const pass = () => deliverDue({ db: t.database.db, box, publicUrl: PUBLIC_URL, owner: "in-process" });

describe("a channel whose credentials are refused", () => {
  it("fails each delivery after one attempt with a reason to act on, and never retries it", async () => {
    const incidentA = await openIncident(t.database.db, t.org.id, people, "Refused A");
    const incidentB = await openIncident(t.database.db, t.org.id, people, "Refused B");
    const updateIds = [
      await approveOne(t.database.db, t.org.id, people, incidentA, "a1"),
      await approveOne(t.database.db, t.org.id, people, incidentA, "a2"),
      await approveOne(t.database.db, t.org.id, people, incidentB, "b1"),
    ];
    for (let i = 0; i < 5; i++) await pass();

    const reasons: Record<string, RegExp> = {
      x: /credentials were refused \(401\).*Settings → Channels/,
      facebook: /Page access token.*Settings → Channels/,
      mastodon: /credentials were refused \(401\): The access token is invalid.*Settings → Channels/,
      bluesky: /credentials were refused \(401\).*Settings → Channels/,
    };
    for (const updateId of updateIds) {
      const rows = await t.database.db.select().from(deliveries).where(eq(deliveries.updateId, updateId));
      expect(rows).toHaveLength(remotes.size + 1);
      for (const d of rows) {
        if (d.channelKind === "status_page") {
          expect(d.state).toBe("sent");
          continue;
        }
        expect(d, `${d.channelKind}`).toMatchObject({ state: "failed", attempts: 1 });
        expect(d.lastError).toMatch(reasons[d.channelKind!]);
        const history = await attemptsOf(t.database.db, d.id);
        expect(history.map((a) => a.outcome)).toEqual(["failed"]);
      }
    }
    // One request per message at each remote — no retry storm — and nothing posted.
    for (const remote of remotes.values()) {
      expect(remote.posts(), remote.kind).toEqual([]);
      expect(remote.requestCount(), `${remote.kind}: requests for 3 messages`).toBe(updateIds.length);
    }
  });
});
