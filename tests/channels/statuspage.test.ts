import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { statuspageAdapter } from "~/channels/statuspage.server";
import { StatuspageFake } from "../fakes/statuspage";
import { contextFor, HANG_TIMEOUT_MS, outbound } from "./support";

const first = {
  name: "Power outage in the north",
  body: "We are investigating reports of outages in the northern districts.",
  status: "investigating",
  impactOverride: "major",
};
const followUp = {
  ...first,
  body: "Crews found a failed substation; repairs under way.",
  status: "identified",
};

let statuspage: StatuspageFake;
beforeEach(async () => {
  statuspage = await new StatuspageFake().start();
});
afterEach(() => statuspage.close());

const ctx = (timeoutMs = 2000, apiKey = statuspage.apiKey, pageId = statuspage.pageId) =>
  contextFor(
    statuspageAdapter,
    { baseUrl: statuspage.baseUrl, pageId, componentIds: "cmp1north\ncmp2grid" },
    { apiKey },
    timeoutMs,
  );
const message = (payload: unknown = first, overrides = {}) =>
  outbound(payload, () => statuspage.requests.length, overrides);

describe("Statuspage adapter against the incidents API", () => {
  it("creates an incident for the first update, with the configured components", async () => {
    const msg = message();
    const outcome = await statuspageAdapter.send(ctx(), msg);
    const [incident] = [...statuspage.incidents.values()];
    expect(outcome).toEqual({
      outcome: "sent",
      remoteId: incident.id,
      remoteUrl: incident.shortlink,
      httpStatus: 201,
    });
    expect(incident).toMatchObject({
      name: first.name,
      status: "investigating",
      impact: "major",
      component_ids: ["cmp1north", "cmp2grid"],
    });
    expect(incident.incident_updates[0].body).toBe(first.body);
    expect(msg.dispatchedAt).toEqual([0]);
  });

  it("updates the same incident for a follow-up instead of opening another", async () => {
    const created = await statuspageAdapter.send(ctx(), message());
    if (created.outcome !== "sent") throw new Error(created.outcome);
    const outcome = await statuspageAdapter.send(
      ctx(),
      message(followUp, { thread: { root: created.remoteId, parent: created.remoteId } }),
    );
    expect(statuspage.incidents.size).toBe(1);
    const incident = statuspage.incidents.get(created.remoteId)!;
    expect(statuspage.requests[1]).toMatchObject({
      method: "PATCH",
      path: `/v1/pages/${statuspage.pageId}/incidents/${incident.id}`,
    });
    expect(JSON.parse(statuspage.requests[1].body)).toEqual({
      incident: { status: "identified", body: followUp.body },
    });
    expect(incident.status).toBe("identified");
    expect(incident.incident_updates.map((u) => u.body)).toEqual([followUp.body, first.body]);
    expect(outcome).toMatchObject({
      outcome: "sent",
      remoteId: `${incident.id}/${incident.incident_updates[0].id}`,
    });

    // A third update threads on the root even when the parent is a follow-up's id.
    if (outcome.outcome !== "sent") throw new Error(outcome.outcome);
    await statuspageAdapter.send(
      ctx(),
      message(
        { ...first, status: "resolved", body: "Power is back." },
        { thread: { root: created.remoteId, parent: outcome.remoteId } },
      ),
    );
    expect(incident.status).toBe("resolved");
    expect(incident.incident_updates).toHaveLength(3);
  });

  it("fails with Statuspage's own words for a validation error and an incident that is gone", async () => {
    const invalid = await statuspageAdapter.send(ctx(), message({ ...first, name: " " }));
    expect(invalid).toMatchObject({ outcome: "failed", httpStatus: 422 });
    expect(invalid.outcome === "failed" && invalid.reason).toMatch(/Name can't be blank/);

    const missing = await statuspageAdapter.send(
      ctx(),
      message(followUp, { thread: { root: "deadbeef0000", parent: "deadbeef0000" } }),
    );
    expect(missing).toMatchObject({ outcome: "failed", httpStatus: 404 });
    expect(missing.outcome === "failed" && missing.reason).toMatch(/incident was deleted/);
  });

  it("fails with a clear reason when the API key is refused (401)", async () => {
    const outcome = await statuspageAdapter.send(ctx(2000, "sp-wrong-key"), message());
    expect(outcome).toMatchObject({ outcome: "failed", httpStatus: 401 });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(
      /credentials were refused \(401\): Could not authenticate/,
    );
    expect(outcome.outcome === "failed" && outcome.reason).not.toContain("sp-wrong-key");
  });

  it("treats Statuspage's 420 as a rate limit and honours Retry-After; retries a 503", async () => {
    statuspage.trouble({ kind: "rateLimited", retryAfterSeconds: 60 });
    statuspage.trouble({ kind: "unavailable" });
    expect(await statuspageAdapter.send(ctx(), message())).toMatchObject({
      outcome: "retry",
      httpStatus: 420,
      retryAfterMs: 60_000,
      channelWide: true,
    });
    expect(await statuspageAdapter.send(ctx(), message())).toMatchObject({
      outcome: "retry",
      httpStatus: 503,
    });
    expect(statuspage.incidents.size).toBe(0);
    expect((await statuspageAdapter.send(ctx(), message())).outcome).toBe("sent");
  });

  it("calls a hang after the request arrived unknown: the incident may exist", async () => {
    statuspage.trouble({ kind: "hang" });
    const outcome = await statuspageAdapter.send(ctx(HANG_TIMEOUT_MS), message());
    expect(outcome.outcome).toBe("unknown");
    expect(statuspage.incidents.size).toBe(1);
  });

  it("refuses a status Statuspage does not have, without calling out", async () => {
    const outcome = await statuspageAdapter.send(ctx(), message({ ...first, status: "postmortem" }));
    expect(outcome.outcome).toBe("failed");
    expect(statuspage.requests).toHaveLength(0);
  });

  it("test() reads the page, and reports a refused key or an unknown page", async () => {
    expect(await statuspageAdapter.test(ctx(), {})).toEqual({
      ok: true,
      message: "Connected to the page “Clarion Power” (https://status.example.test).",
    });
    const badKey = await statuspageAdapter.test(ctx(2000, "sp-wrong-key"), {});
    expect(badKey.ok).toBe(false);
    expect(badKey.message).toMatch(/401/);
    const badPage = await statuspageAdapter.test(ctx(2000, statuspage.apiKey, "nosuchpage"), {});
    expect(badPage).toMatchObject({ ok: false });
    expect(badPage.message).toMatch(/404/);
    expect(statuspage.incidents.size).toBe(0);
  });
});
