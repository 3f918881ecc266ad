import { type ActionFunctionArgs, data } from "@remix-run/node";
import type { Permission } from "~/domain/permissions";
import { resolveDelivery } from "~/services/outbox.server";
import {
  approveUpdate,
  commentOnUpdate,
  createUpdate,
  editUpdate,
  pausePublishing,
  requestChanges,
  resumePublishing,
  submitUpdate,
  withdrawUpdate,
} from "~/services/updates.server";
import { requireAnyPermission, requirePermission } from "~/utils/auth.server";
import { isAppError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";

/**
 * The incident room's publishing verbs: draft, review, approve, withdraw, the kill switch, and settling a
 * delivery by hand. Posted by the composer's fetchers; answers `{ intent, ok }` or `{ intent, error, fields }`.
 */

const INTENT_PERMISSIONS: Record<string, Permission[]> = {
  save: ["update.draft"],
  submit: ["update.draft"],
  withdraw: ["update.draft"],
  approve: ["update.approve"],
  request_changes: ["update.approve"],
  comment: ["update.draft", "update.approve", "incident.manage"],
  pause: ["publishing.pause"],
  resume: ["publishing.pause"],
  delivery: ["update.publish"],
};

function positiveId(value: unknown): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw data({ error: "Not found" }, { status: 404 });
  return id;
}

/** The variants field is JSON written by the composer: `[{channelKind, body, mode}]`. */
function variantsOf(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return [];
  try {
    return JSON.parse(value);
  } catch {
    return "not-json";
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await formObject(request);
  const intent = String(form.intent ?? "");
  const needed = INTENT_PERMISSIONS[intent];
  if (!needed) {
    await requirePermission(request, context, "console.read");
    return Response.json(
      { intent, error: "Unknown action: reload the page and try again." },
      { status: 400 },
    );
  }
  const { user, services } = await requireAnyPermission(request, context, needed);
  const incidentId = positiveId(params.id);
  const actor = { kind: "user" as const, userId: user.id, role: user.role, ip: context.clientIp };
  const { db, orgId } = services;
  const updateId = () => positiveId(form.updateId);
  try {
    switch (intent) {
      case "save": {
        const input = {
          kind: form.kind,
          title: form.title,
          body: form.body,
          templateId: form.templateId || null,
          incidentState: form.incidentState || null,
          nextUpdateMinutes: form.nextUpdateMinutes || null,
          scheduledAt: form.scheduledAt || null,
          eta: form.eta,
          variants: variantsOf(form.variants),
        } as Parameters<typeof createUpdate>[3];
        const row = form.updateId
          ? await editUpdate(db, orgId, updateId(), input, actor)
          : await createUpdate(db, orgId, incidentId, input, actor);
        if (form.after === "submit") await submitUpdate(db, orgId, row.id, actor);
        return Response.json({
          intent,
          ok: form.after === "submit" ? "Sent for approval." : "Draft saved.",
          updateId: row.id,
        });
      }
      case "submit":
        await submitUpdate(db, orgId, updateId(), actor);
        return Response.json({ intent, ok: "Sent for approval." });
      case "approve": {
        const result = await approveUpdate(
          db,
          orgId,
          updateId(),
          { version: form.version, comment: form.comment },
          actor,
          { publicUrl: services.publicUrl() },
        );
        services.kickDelivery();
        return Response.json({
          intent,
          ok: result.published
            ? `Approved and published: ${result.deliveries} ${result.deliveries === 1 ? "channel" : "channels"} queued.`
            : "Approved: it will go out at its scheduled time (or when publishing is resumed).",
        });
      }
      case "request_changes":
        await requestChanges(db, orgId, updateId(), form.comment, actor);
        return Response.json({ intent, ok: "Sent back to the author." });
      case "withdraw":
        await withdrawUpdate(db, orgId, updateId(), actor);
        return Response.json({ intent, ok: "Withdrawn." });
      case "comment":
        await commentOnUpdate(db, orgId, updateId(), form.comment, actor);
        return Response.json({ intent, ok: "Comment added." });
      case "pause": {
        const held = await pausePublishing(db, orgId, form.reason, actor);
        return Response.json({
          intent,
          ok: `Publishing paused: ${held.deliveries} deliveries and ${held.updates} updates held.`,
        });
      }
      case "resume": {
        const held = await resumePublishing(db, orgId, actor);
        services.kickDelivery();
        return Response.json({
          intent,
          ok: `Publishing resumed: ${held.deliveries} deliveries and ${held.updates} updates released.`,
        });
      }
      case "delivery": {
        const action = String(form.action ?? "");
        if (action !== "sent" && action !== "resend" && action !== "cancel") {
          return Response.json({ intent, error: "Choose mark sent, send again or cancel." }, { status: 400 });
        }
        await resolveDelivery(
          db,
          orgId,
          positiveId(form.deliveryId),
          { action, remoteUrl: typeof form.remoteUrl === "string" ? form.remoteUrl : null },
          actor,
        );
        if (action === "resend") services.kickDelivery();
        return Response.json({
          intent,
          ok: { sent: "Marked as sent.", resend: "Queued again.", cancel: "Cancelled." }[action],
        });
      }
    }
  } catch (error) {
    if (isAppError(error)) {
      const fields = "fields" in error ? (error as { fields: Record<string, string> }).fields : {};
      return Response.json({ intent, error: error.message, fields }, { status: error.status });
    }
    throw error;
  }
  return Response.json({ intent, error: "Unknown action." }, { status: 400 });
}
