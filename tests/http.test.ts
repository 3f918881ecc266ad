import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "~/server/http";
import { startHttpServer } from "~/server/http";
import { SIGN_IN_FAILED } from "~/services/auth.server";
import { parseEnv } from "~/utils/env.server";
import { sessions } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { Client, createUser, startTestServer, TEST_PASSWORD } from "./support/server";

let t: TestDatabase;
let server: RunningServer;
beforeAll(async () => {
  t = await freshDatabase();
  server = await startTestServer(t);
  for (const role of ["admin", "commander", "comms", "approver", "support", "viewer"] as const) {
    await createUser(t, role);
  }
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const CONSOLE_PAGES = ["/incidents", "/spikes", "/complaints", "/updates", "/settings", "/metrics"];

describe("health", () => {
  it("answers 200 when the database answers", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("answers 503 with a clear reason when the database is unreachable", async () => {
    const broken = await startHttpServer({
      env: parseEnv({
        NODE_ENV: "test",
        DATABASE_URL: "postgres://clarion@127.0.0.1:1/nowhere",
        LOG_LEVEL: "error",
        CLARION_SECRET: "y".repeat(40),
      }),
      port: 0,
      host: "127.0.0.1",
      retryMs: 60_000,
    });
    try {
      let res = await fetch(`${broken.url}/healthz`);
      for (let i = 0; i < 50 && (await res.clone().json()).reason === "the database is starting"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        res = await fetch(`${broken.url}/healthz`);
      }
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.status).toBe("unavailable");
      expect(body.reason).toMatch(/ECONNREFUSED|connect/i);
      expect(JSON.stringify(body)).not.toContain("clarion@");
      const page = await fetch(`${broken.url}/signin`);
      expect(page.status).toBe(503);
    } finally {
      await broken.close();
    }
  });
});

describe("signing in and out", () => {
  it("sends visitors without a session to sign-in, remembering where they were going", async () => {
    for (const page of CONSOLE_PAGES) {
      const res = await new Client(server.url).request(page);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`/signin?redirectTo=${encodeURIComponent(page)}`);
    }
  });

  it("answers malformed sign-in posts with 400 and field messages, never 500", async () => {
    const client = new Client(server.url);
    const res = await client.post("/signin", { email: "not-an-email" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Enter your email address");
    expect(html).toContain("Enter your password");
  });

  it("answers a wrong password with 401 and the generic message", async () => {
    const res = await new Client(server.url).signIn("viewer@test.example", "wrong password!!");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain(SIGN_IN_FAILED.replace(/'/g, "&#x27;"));
  });

  it("sets an httpOnly, SameSite=Lax, Secure session cookie and lands on the console", async () => {
    const client = new Client(server.url);
    const res = await client.signIn("commander@test.example");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/incidents");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("clarion_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    const page = await client.request("/incidents");
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const label of [
      "Incidents",
      "Spikes",
      "Complaints",
      "Updates",
      "Status page",
      "Settings",
      "Metrics",
    ]) {
      expect(html).toContain(label);
    }
    expect(html).toContain("No open incidents");
  });

  it("follows redirectTo after sign-in but never off-site", async () => {
    const client = new Client(server.url);
    const res = await client.post("/signin", {
      email: "viewer@test.example",
      password: TEST_PASSWORD,
      redirectTo: "/spikes",
    });
    expect(res.headers.get("location")).toBe("/spikes");
    const evil = await new Client(server.url).post("/signin", {
      email: "viewer@test.example",
      password: TEST_PASSWORD,
      redirectTo: "//evil.example/x",
    });
    expect(evil.headers.get("location")).toBe("/incidents");
  });

  it("signs out: the cookie is cleared and the old session no longer works", async () => {
    const client = new Client(server.url);
    await client.signIn("support@test.example");
    const stolen = client.cookieHeader();
    const out = await client.post("/signout", {});
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("/signin");
    const replay = await fetch(`${server.url}/incidents`, {
      headers: { Cookie: stolen },
      redirect: "manual",
    });
    expect(replay.status).toBe(302);
  });

  it("treats an expired session as signed out", async () => {
    const client = new Client(server.url);
    await client.signIn("approver@test.example");
    await t.database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) });
    const res = await client.request("/incidents");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("/signin");
  });
});

describe("permissions and request safety", () => {
  it("answers 403 when a role may not do something", async () => {
    const viewer = new Client(server.url);
    await viewer.signIn("viewer@test.example");
    const res = await viewer.post("/settings?index", { intent: "create-token", name: "sneaky" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("token.manage");

    const admin = new Client(server.url);
    await admin.signIn("admin@test.example");
    const ok = await admin.post("/settings?index", { intent: "create-token", name: "allowed" });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/clr_[A-Za-z0-9_-]{20,}/);
  });

  it("lets every role read the console pages", async () => {
    for (const role of ["admin", "commander", "comms", "approver", "support", "viewer"]) {
      const client = new Client(server.url);
      await client.signIn(`${role}@test.example`);
      for (const page of CONSOLE_PAGES) {
        expect((await client.request(page)).status, `${role} ${page}`).toBe(200);
      }
    }
  });

  it("refuses cross-site form posts", async () => {
    const client = new Client(server.url);
    await client.signIn("admin@test.example");
    const res = await client.post(
      "/settings",
      { intent: "create-token", name: "csrf" },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    const noOrigin = await client.post(
      "/settings",
      { intent: "create-token", name: "csrf" },
      { origin: null },
    );
    expect(noOrigin.status).toBe(403);
  });

  it("validates settings forms with field messages", async () => {
    const admin = new Client(server.url);
    await admin.signIn("admin@test.example");
    const res = await admin.post("/settings?index", {
      intent: "add-user",
      email: "bad",
      password: "short",
      role: "overlord",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("valid email");
    expect(html).toContain("at least 10 characters");
  });

  it("never sends password hashes or token hashes to the browser", async () => {
    const admin = new Client(server.url);
    await admin.signIn("admin@test.example");
    const html = await (await admin.request("/settings")).text();
    expect(html).not.toMatch(/\$argon2/);
    expect(html).not.toMatch(/passwordHash|tokenHash|idHash/);
    const data = await (await admin.request("/settings.data")).text();
    expect(data).not.toMatch(/\$argon2|passwordHash|tokenHash/);
  });

  it("serves the public status page without sign-in", async () => {
    const res = await fetch(`${server.url}/status`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("All systems operational");
  });

  it("answers unknown pages with 404", async () => {
    const res = await fetch(`${server.url}/no-such-page`);
    expect(res.status).toBe(404);
  });
});

describe("sessions table", () => {
  it("stores no raw session token", async () => {
    const client = new Client(server.url);
    await client.signIn("comms@test.example");
    const token = decodeURIComponent(client.cookieHeader().split("=")[1]);
    const rows = await t.database.db.select().from(sessions);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.length).toBeGreaterThan(0);
  });
});
