import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { randomToken, sha256 } from "~/utils/crypto.server";
import { fieldErrors, ValidationError } from "~/utils/errors";
import type { Db } from "~db/client.server";
import { apiTokens } from "~db/schema";
import { type Actor, audit } from "./audit.server";

export const TOKEN_PREFIX = "clr_";

const tokenNameSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(80, "Keep the name under 80 characters"),
});

/** Create an API token; the returned `token` is the only time it exists outside its hash. */
export async function createApiToken(db: Db, orgId: number, input: { name: unknown }, actor: Actor) {
  const parsed = tokenNameSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError("The token is not valid", fieldErrors(parsed.error.issues));
  const token = randomToken(TOKEN_PREFIX, 32);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        orgId,
        name: parsed.data.name,
        tokenHash: sha256(token),
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        createdByUserId: actor.userId ?? null,
      })
      .returning();
    await audit(tx, {
      orgId,
      actor,
      action: "token.created",
      targetType: "api_token",
      targetId: row.id,
      data: { name: row.name },
    });
    return { token, id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt.toISOString() };
  });
}

/** The organisation and token id behind a bearer token, or null. Marks it used (at most once a minute). */
export async function authenticateApiToken(db: Db, token: string, now = new Date()) {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  return { orgId: row.orgId, tokenId: row.id, name: row.name };
}

export async function listApiTokens(db: Db, orgId: number) {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.orgId, orgId))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

export async function revokeApiToken(db: Db, orgId: number, id: number, actor: Actor) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, orgId), isNull(apiTokens.revokedAt)))
      .returning();
    if (row)
      await audit(tx, { orgId, actor, action: "token.revoked", targetType: "api_token", targetId: id });
  });
}
