import { hash, verify } from "@node-rs/argon2";
import { and, eq, gt, lt } from "drizzle-orm";
import { z } from "zod";
import { randomToken, sha256 } from "~/utils/crypto.server";
import { fieldErrors, RateLimitedError, UnauthorizedError, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { sessions, users } from "~db/schema";
import { type Actor, audit } from "./audit.server";
import { hitRateLimit, peekRateLimit, secondsLeftInWindow } from "./rate-limit.server";
import { type PublicUser, toPublicUser } from "./users.server";

/** The one answer to a failed sign-in: it never says whether the email exists. */
export const SIGN_IN_FAILED = "That email and password do not match an account.";

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

export const signInSchema = z.object({
  email: z
    .string({ message: "Enter your email address" })
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: "Enter your email address" })),
  password: z
    .string({ message: "Enter your password" })
    .min(1, "Enter your password")
    .max(512, "Password is too long"),
});

export interface SignInInput {
  email: unknown;
  password: unknown;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionInfo {
  token: string;
  expiresAt: Date;
  user: PublicUser;
}

// A real hash to verify against when the email is unknown, so both failures take the same time.
let dummyHash: Promise<string> | null = null;
function timingDecoy(): Promise<string> {
  dummyHash ??= hash("clarion-timing-decoy-password");
  return dummyHash;
}

export async function signIn(
  db: Db,
  input: SignInInput,
  ttlHours: number,
  now = new Date(),
): Promise<SessionInfo> {
  const parsed = signInSchema.safeParse({ email: input.email, password: input.password });
  if (!parsed.success)
    throw new ValidationError("Check the highlighted fields", fieldErrors(parsed.error.issues));
  const { email, password } = parsed.data;
  const emailKey = `signin:email:${email}`;
  const ipKey = input.ip ? `signin:ip:${input.ip}` : null;

  const emailFailures = await peekRateLimit(db, emailKey, SIGN_IN_WINDOW_SECONDS, now);
  const ipFailures = ipKey ? await peekRateLimit(db, ipKey, SIGN_IN_WINDOW_SECONDS, now) : 0;
  if (emailFailures >= MAX_FAILURES_PER_EMAIL || ipFailures >= MAX_FAILURES_PER_IP) {
    const wait = secondsLeftInWindow(SIGN_IN_WINDOW_SECONDS, now);
    throw new RateLimitedError(
      `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.`,
      wait,
    );
  }

  const [user] = await db.select().from(users).where(eq(users.email, email));
  const ok = user
    ? !user.disabledAt && (await verify(user.passwordHash, password))
    : (await verify(await timingDecoy(), password)) && false;

  if (!user || !ok) {
    await hitRateLimit(db, emailKey, SIGN_IN_WINDOW_SECONDS, now);
    if (ipKey) await hitRateLimit(db, ipKey, SIGN_IN_WINDOW_SECONDS, now);
    await audit(db, {
      orgId: user?.orgId ?? null,
      actor: { kind: "system", ip: input.ip },
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: user?.id,
      data: { email },
    });
    throw new UnauthorizedError(SIGN_IN_FAILED);
  }

  const token = randomToken("", 32);
  const expiresAt = new Date(now.getTime() + ttlHours * 3600_000);
  await db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      idHash: sha256(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    });
    await audit(tx, {
      orgId: user.orgId,
      actor: { kind: "user", userId: user.id, ip: input.ip },
      action: "auth.sign_in",
      targetType: "user",
      targetId: user.id,
    });
  });
  return { token, expiresAt, user: toPublicUser(user) };
}

export interface SessionUser extends PublicUser {
  sessionExpiresAt: string;
}

/**
 * The signed-in user for a session token, or null when it is unknown, expired or the user is disabled.
 * Active sessions slide: once past half their lifetime they are extended by a full TTL.
 */
export async function userForSession(
  db: Db,
  token: string,
  ttlHours: number,
  now = new Date(),
): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const idHash = sha256(token);
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash));
  if (!row) return null;
  if (row.session.expiresAt <= now || row.user.disabledAt) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  let expiresAt = row.session.expiresAt;
  const ttlMs = ttlHours * 3600_000;
  if (expiresAt.getTime() - now.getTime() < ttlMs / 2) {
    expiresAt = new Date(now.getTime() + ttlMs);
    await db.update(sessions).set({ expiresAt, lastSeenAt: now }).where(eq(sessions.idHash, idHash));
  }
  return { ...toPublicUser(row.user), sessionExpiresAt: expiresAt.toISOString() };
}

export async function signOut(db: Db, token: string, actor: Actor): Promise<void> {
  const idHash = sha256(token);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(sessions)
      .where(eq(sessions.idHash, idHash))
      .returning({ userId: sessions.userId });
    if (!row) return;
    const [user] = await tx.select({ orgId: users.orgId }).from(users).where(eq(users.id, row.userId));
    await audit(tx, {
      orgId: user?.orgId ?? null,
      actor: { ...actor, userId: row.userId, kind: "user" },
      action: "auth.sign_out",
      targetType: "user",
      targetId: row.userId,
    });
  });
}

export async function pruneExpiredSessions(db: Db, now = new Date()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

export async function activeSessionCount(db: Db, userId: number, now = new Date()): Promise<number> {
  const rows = await db
    .select({ id: sessions.idHash })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)));
  return rows.length;
}
