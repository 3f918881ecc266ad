import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { audit, SYSTEM } from "../app/services/audit.server";
import { ensureBaseline } from "../app/services/bootstrap.server";
import { runDemoFeed } from "../app/services/demo-feed.server";
import { upsertUser } from "../app/services/users.server";
import type { Db } from "./client.server";
import { organisations, users } from "./schema";
import { ROLES, type Role } from "./schema/enums";

export const DEMO_ORG_NAME = "Northwind Energy & Broadband (demo)";
export const DEMO_EMAIL_DOMAIN = "northwind.example";

export interface DemoCredential {
  email: string;
  role: Role;
  /** Present only for users this run created: it is printed once and never stored in clear. */
  password: string | null;
}

export interface DemoResult {
  orgId: number;
  users: DemoCredential[];
  /** Complaints the demo feed stored this run (history on the first run). */
  complaints: number;
}

export interface DemoOptions {
  adminEmail?: string;
  adminPassword?: string;
  /**
   * Also play the simulated complaint history and stage the scripted outage (the CLI does; `npm start`
   * leaves that to its background feed so the console answers at once).
   */
  withFeed?: boolean;
  /** Days of simulated history on a first run (default 28). */
  historyDays?: number;
  now?: number;
}

function generatedPassword(): string {
  // 16 random bytes, base64url: ~128 bits, no ambiguous punctuation to mistype.
  return randomBytes(16).toString("base64url");
}

/**
 * Seed the demo organisation: one user per role, and (with `withFeed`) four weeks of simulated complaint
 * history through the real intake path plus the scripted western outage. Idempotent: existing demo users
 * keep their passwords (a second run prints none) and replayed history stores nothing twice.
 */
export async function seedDemo(db: Db, options: DemoOptions = {}): Promise<DemoResult> {
  const org = await ensureBaseline(db);
  await db
    .update(organisations)
    .set({ name: DEMO_ORG_NAME, isDemo: true })
    .where(eq(organisations.id, org.id));
  const result: DemoCredential[] = [];
  for (const role of ROLES) {
    const email =
      role === "admin" && options.adminEmail
        ? options.adminEmail.toLowerCase()
        : `${role}@${DEMO_EMAIL_DOMAIN}`;
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) {
      result.push({ email, role, password: null });
      continue;
    }
    const password = role === "admin" && options.adminPassword ? options.adminPassword : generatedPassword();
    await upsertUser(db, org.id, { email, password, role, name: demoName(role) }, SYSTEM);
    result.push({ email, role, password: role === "admin" && options.adminPassword ? null : password });
  }
  const feed = options.withFeed
    ? await runDemoFeed(db, org.id, options.now ?? Date.now(), { historyDays: options.historyDays })
    : null;
  await audit(db, {
    orgId: org.id,
    actor: SYSTEM,
    action: "demo.seeded",
    data: { users: result.length, complaints: feed?.summary.accepted ?? 0 },
  });
  return { orgId: org.id, users: result, complaints: feed?.summary.accepted ?? 0 };
}

function demoName(role: Role): string {
  const names: Record<Role, string> = {
    admin: "Avery Admin",
    commander: "Casey Commander",
    comms: "Morgan Comms",
    approver: "Alex Approver",
    support: "Sam Support",
    viewer: "Val Viewer",
  };
  return names[role];
}
