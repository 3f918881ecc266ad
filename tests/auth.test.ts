import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAX_FAILURES_PER_EMAIL,
  SIGN_IN_FAILED,
  signIn,
  signOut,
  userForSession,
} from "~/services/auth.server";
import { sha256 } from "~/utils/crypto.server";
import { RateLimitedError, UnauthorizedError, ValidationError } from "~/utils/errors";
import { auditEntries, sessions, users } from "~db/schema";
import { freshDatabase, type TestDatabase } from "./support/db";
import { createUser, TEST_PASSWORD } from "./support/server";

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(async () => {
  await t?.close();
});

const meta = { ip: "203.0.113.7", userAgent: "vitest" };

describe("sign-in", () => {
  it("creates a session stored only as a hash, and audits it", async () => {
    const user = await createUser(t, "commander", "ok@test.example");
    const session = await signIn(
      t.database.db,
      { email: "OK@test.example ", password: TEST_PASSWORD, ...meta },
      12,
    );
    expect(session.user.id).toBe(user.id);
    expect(session.token.length).toBeGreaterThanOrEqual(40);
    const rows = await t.database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0].idHash).toBe(sha256(session.token));
    expect(rows[0].idHash).not.toContain(session.token);
    const audit = await t.database.db
      .select()
      .from(auditEntries)
      .where(and(eq(auditEntries.action, "auth.sign_in"), eq(auditEntries.actorUserId, user.id)));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(session.token);
  });

  it("answers a wrong password and an unknown email with the same message", async () => {
    await createUser(t, "viewer", "wrong@test.example");
    const wrong = signIn(
      t.database.db,
      { email: "wrong@test.example", password: "nope-nope-nope", ...meta },
      12,
    );
    await expect(wrong).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(wrong).rejects.toThrow(SIGN_IN_FAILED);
    const unknown = signIn(
      t.database.db,
      { email: "ghost@test.example", password: "whatever-it-is", ...meta },
      12,
    );
    await expect(unknown).rejects.toThrow(SIGN_IN_FAILED);
  });

  it("rejects malformed input with field messages", async () => {
    const attempt = signIn(t.database.db, { email: "not-an-email", password: "", ...meta }, 12);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await attempt.catch((e: ValidationError) => {
      expect(e.fields.email).toMatch(/email/i);
      expect(e.fields.password).toMatch(/password/i);
    });
  });

  it("rate-limits repeated failures, even when the password is then right", async () => {
    await createUser(t, "support", "limited@test.example");
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      await expect(
        signIn(
          t.database.db,
          {
            email: "limited@test.example",
            password: `bad-${i}-password`,
            ip: `198.51.100.${i}`,
            userAgent: null,
          },
          12,
        ),
      ).rejects.toBeInstanceOf(UnauthorizedError);
    }
    const blocked = signIn(
      t.database.db,
      { email: "limited@test.example", password: TEST_PASSWORD, ...meta },
      12,
    );
    await expect(blocked).rejects.toBeInstanceOf(RateLimitedError);
    await expect(blocked).rejects.toThrow(/Too many failed sign-in attempts/);
  });

  it("refuses disabled users", async () => {
    const user = await createUser(t, "viewer", "disabled@test.example");
    await t.database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    await expect(
      signIn(t.database.db, { email: "disabled@test.example", password: TEST_PASSWORD, ...meta }, 12),
    ).rejects.toThrow(SIGN_IN_FAILED);
  });
});

describe("sessions", () => {
  it("expire: an expired session yields no user and is deleted", async () => {
    await createUser(t, "viewer", "expiry@test.example");
    const now = new Date("2026-01-01T00:00:00Z");
    const s = await signIn(
      t.database.db,
      { email: "expiry@test.example", password: TEST_PASSWORD, ...meta },
      1,
      now,
    );
    expect(
      await userForSession(t.database.db, s.token, 1, new Date(now.getTime() + 30 * 60_000)),
    ).not.toBeNull();
    expect(
      await userForSession(t.database.db, s.token, 1, new Date(now.getTime() + 2 * 3600_000)),
    ).toBeNull();
    const left = await t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.idHash, sha256(s.token)));
    expect(left).toHaveLength(0);
  });

  it("slide forward when used past half their lifetime", async () => {
    await createUser(t, "viewer", "slide@test.example");
    const now = new Date("2026-01-01T00:00:00Z");
    const s = await signIn(
      t.database.db,
      { email: "slide@test.example", password: TEST_PASSWORD, ...meta },
      2,
      now,
    );
    const later = new Date(now.getTime() + 90 * 60_000);
    const user = await userForSession(t.database.db, s.token, 2, later);
    expect(new Date(user!.sessionExpiresAt).getTime()).toBe(later.getTime() + 2 * 3600_000);
  });

  it("end at sign-out", async () => {
    await createUser(t, "viewer", "out@test.example");
    const s = await signIn(
      t.database.db,
      { email: "out@test.example", password: TEST_PASSWORD, ...meta },
      12,
    );
    await signOut(t.database.db, s.token, { kind: "user", ip: meta.ip });
    expect(await userForSession(t.database.db, s.token, 12)).toBeNull();
    const audit = await t.database.db
      .select()
      .from(auditEntries)
      .where(eq(auditEntries.action, "auth.sign_out"));
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it("ignores forged or oversized tokens", async () => {
    expect(await userForSession(t.database.db, "forged-token", 12)).toBeNull();
    expect(await userForSession(t.database.db, "x".repeat(500), 12)).toBeNull();
  });
});
