import { and, eq, isNull } from "drizzle-orm";
import { normaliseAddress } from "~/domain/status/inputs";
import type { SecretBox } from "~/utils/crypto.server";
import type { Db } from "~db/client.server";
import { channels, subscribers } from "~db/schema";
import type { SubscriberInactiveReason, SubscriberKind } from "~db/schema/enums";
import { stopSubscriber } from "./subscribers.server";

/** Signals from the channels that an address no longer takes messages: bounces, complaints, SMS STOP. */

const SOFT_BOUNCES_TO_INACTIVE = 3;

/**
 * A bounce or complaint reported by the email provider (or the SMS/webhook channel): a hard bounce or
 * a spam complaint makes the address inactive at once, three soft bounces too. Returns how many
 * subscribers it matched (0 for an unknown address; nothing is revealed to the caller beyond that).
 */
export async function recordBounce(
  db: Db,
  orgId: number,
  input: { kind: SubscriberKind; address: string; type: "hard" | "soft" | "complaint" },
  now = new Date(),
): Promise<number> {
  const address = normaliseAddress(input.kind, input.address);
  if (!address) return 0;
  const rows = await db
    .select()
    .from(subscribers)
    .where(
      and(eq(subscribers.orgId, orgId), eq(subscribers.kind, input.kind), eq(subscribers.address, address)),
    );
  for (const row of rows) {
    const bounces = row.bounceCount + (input.type === "soft" ? 1 : 0);
    const reason: SubscriberInactiveReason | null =
      input.type === "complaint"
        ? "complained"
        : input.type === "hard" || bounces >= SOFT_BOUNCES_TO_INACTIVE
          ? "bounced"
          : null;
    const change = { bounceCount: bounces, lastBounceAt: now, updatedAt: now };
    if (reason && !row.inactiveAt)
      await stopSubscriber(db, [row.id], { ...change, inactiveAt: now, inactiveReason: reason });
    else await db.update(subscribers).set(change).where(eq(subscribers.id, row.id));
  }
  return rows.length;
}

/**
 * An inbound SMS, already read by `parseTwilioInbound`: a STOP (or another carrier opt-out word) makes the
 * number inactive, START resumes it; anything else is ignored here.
 */
export async function recordSmsReply(
  db: Db,
  orgId: number,
  input: { from: string; keyword: "stop" | "start" | "help" | null },
  now = new Date(),
): Promise<"stopped" | "started" | "ignored"> {
  const phone = normaliseAddress("sms", input.from);
  if (!phone || (input.keyword !== "stop" && input.keyword !== "start")) return "ignored";
  const where = and(
    eq(subscribers.orgId, orgId),
    eq(subscribers.kind, "sms"),
    eq(subscribers.address, phone),
  );
  const rows = await db.select({ id: subscribers.id }).from(subscribers).where(where);
  if (input.keyword === "stop") {
    await stopSubscriber(
      db,
      rows.map((r) => r.id),
      { inactiveAt: now, inactiveReason: "sms_stop", updatedAt: now },
    );
    return "stopped";
  }
  await db
    .update(subscribers)
    .set({ inactiveAt: null, inactiveReason: null, updatedAt: now })
    .where(and(where, eq(subscribers.inactiveReason, "sms_stop"), isNull(subscribers.unsubscribedAt)));
  return "started";
}

/**
 * The auth token of the organisation's enabled SMS channel (Twilio), which signs inbound SMS webhooks.
 * Read from the channel's encrypted credentials (`authToken`); null when there is none.
 */
export async function smsWebhookKey(db: Db, secretBox: SecretBox, orgId: number): Promise<string | null> {
  const [row] = await db
    .select({ credentialsEnc: channels.credentialsEnc })
    .from(channels)
    .where(and(eq(channels.orgId, orgId), eq(channels.kind, "sms"), eq(channels.enabled, true)))
    .orderBy(channels.id)
    .limit(1);
  if (!row?.credentialsEnc) return null;
  try {
    const credentials = JSON.parse(secretBox.open(row.credentialsEnc)) as { authToken?: unknown };
    return typeof credentials.authToken === "string" && credentials.authToken ? credentials.authToken : null;
  } catch {
    return null;
  }
}
