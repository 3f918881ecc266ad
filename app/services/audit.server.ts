import type { Db } from "~db/client.server";
import { auditEntries } from "~db/schema";
import type { ActorKind } from "~db/schema/enums";

export interface Actor {
  kind: ActorKind;
  userId?: number | null;
  tokenId?: number | null;
  ip?: string | null;
}

export const SYSTEM: Actor = { kind: "system" };

export interface AuditInput {
  orgId: number | null;
  actor: Actor;
  action: string;
  targetType?: string;
  targetId?: string | number;
  data?: Record<string, unknown>;
}

/** Record one state change. Call it inside the same transaction as the change it describes. */
export async function audit(db: Db, input: AuditInput): Promise<void> {
  await db.insert(auditEntries).values({
    orgId: input.orgId,
    actorKind: input.actor.kind,
    actorUserId: input.actor.userId ?? null,
    actorTokenId: input.actor.tokenId ?? null,
    ip: input.actor.ip ?? null,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId === undefined ? null : String(input.targetId),
    data: input.data ?? {},
  });
}
