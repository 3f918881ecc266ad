import { hash } from "@node-rs/argon2";
import { asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { fieldErrors, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { users } from "~db/schema";
import { ROLES, type Role } from "~db/schema/enums";
import { type Actor, audit } from "./audit.server";

export const MIN_PASSWORD_LENGTH = 10;

export const userInputSchema = z.object({
  email: z
    .string({ message: "Enter a valid email address" })
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: "Enter a valid email address" })),
  password: z
    .string({ message: "Enter a password" })
    .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(512, "Password is too long"),
  role: z.enum(ROLES, { message: `Role must be one of: ${ROLES.join(", ")}` }),
  name: z.string().trim().min(1).max(120).optional(),
});

export type UserInput = z.input<typeof userInputSchema>;

/** The user as the browser and the CLI may see it: never the password hash. */
export interface PublicUser {
  id: number;
  orgId: number;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export function toPublicUser(row: typeof users.$inferSelect): PublicUser {
  return {
    id: row.id,
    orgId: row.orgId,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
  };
}

export function hashPassword(password: string): Promise<string> {
  // argon2id with the library's defaults (19 MiB, t=2), OWASP's recommended minimum.
  return hash(password);
}

function nameFromEmail(email: string): string {
  const local = email.split("@")[0] ?? email;
  return local.replace(/[._-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
}

/** Create the user, or update the role, name and password of the one with this email. */
export async function upsertUser(
  db: Db,
  orgId: number,
  input: UserInput,
  actor: Actor,
): Promise<{ user: PublicUser; created: boolean }> {
  const parsed = userInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError("The user is not valid", fieldErrors(parsed.error.issues));
  }
  const { email, password, role } = parsed.data;
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(users).where(eq(users.email, email));
    if (existing && existing.orgId !== orgId) {
      throw new ValidationError("That email belongs to another organisation", { email: "Already in use" });
    }
    const name = parsed.data.name ?? existing?.name ?? nameFromEmail(email);
    const [row] = existing
      ? await tx
          .update(users)
          .set({ role, name, passwordHash, disabledAt: null, updatedAt: new Date() })
          .where(eq(users.id, existing.id))
          .returning()
      : await tx.insert(users).values({ orgId, email, name, role, passwordHash }).returning();
    await audit(tx, {
      orgId,
      actor,
      action: existing ? "user.updated" : "user.created",
      targetType: "user",
      targetId: row.id,
      data: { email, role },
    });
    return { user: toPublicUser(row), created: !existing };
  });
}

export async function listUsers(db: Db, orgId: number): Promise<PublicUser[]> {
  const rows = await db.select().from(users).where(eq(users.orgId, orgId)).orderBy(asc(users.email));
  return rows.map(toPublicUser);
}

export async function countUsers(db: Db, orgId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(eq(users.orgId, orgId));
  return row.n;
}
