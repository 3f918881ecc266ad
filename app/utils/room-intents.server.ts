/**
 * The incident room's form verbs: one small handler per `intent`, each taking its fields from the form,
 * calling one service verb (which validates and throws typed errors) and saying what was done. The
 * route's action authenticates with the intent's permission, picks the handler and maps errors to a
 * response; a new room form is one more entry here.
 */
import type { Permission } from "~/domain/permissions";
import type { Actor } from "~/services/audit.server";
import {
  addNote,
  assignRole,
  changeSeverity,
  changeState,
  dismissCluster,
  linkCluster,
  setRegions,
  unlinkCluster,
} from "~/services/incidents.server";
import { sendReplies } from "~/services/replies.server";
import type { Db } from "~db/client.server";

export interface RoomIntentInput {
  db: Db;
  orgId: number;
  incidentId: number;
  actor: Actor;
  /** The posted form (`formObject`): a repeated field is an array. */
  form: Record<string, string | string[]>;
}

export interface RoomIntent {
  /** Who may: one permission, or any one of several. */
  permission: Permission | Permission[];
  /** Does it; resolves to the message shown in the room. */
  run(input: RoomIntentInput): Promise<string>;
}

const ROOM_INTENTS: Record<string, RoomIntent> = {
  state: {
    permission: "incident.manage",
    async run({ db, orgId, incidentId, form, actor }) {
      await changeState(db, orgId, incidentId, { state: form.state, note: form.note || undefined }, actor);
      return "State changed.";
    },
  },
  severity: {
    permission: "incident.manage",
    async run({ db, orgId, incidentId, form, actor }) {
      await changeSeverity(db, orgId, incidentId, { severity: form.severity }, actor);
      return "Severity changed.";
    },
  },
  assign: {
    permission: "incident.manage",
    async run({ db, orgId, incidentId, form, actor }) {
      await assignRole(db, orgId, incidentId, { role: form.role, userId: form.userId }, actor);
      return "Assigned.";
    },
  },
  regions: {
    permission: "incident.manage",
    async run({ db, orgId, incidentId, form, actor }) {
      const regions = String(form.regions ?? "")
        .split(/[\s,]+/)
        .map((r) => r.trim().toUpperCase())
        .filter(Boolean);
      await setRegions(db, orgId, incidentId, { regions }, actor);
      return "Affected regions saved.";
    },
  },
  link: {
    permission: "incident.manage",
    async run({ db, orgId, incidentId, form, actor }) {
      await linkCluster(db, orgId, incidentId, Number(form.clusterId), actor);
      return `Spike #${form.clusterId} linked.`;
    },
  },
  unlink: {
    permission: "incident.manage",
    async run({ db, orgId, incidentId, form, actor }) {
      await unlinkCluster(db, orgId, incidentId, Number(form.clusterId), actor);
      return `Spike #${form.clusterId} unlinked.`;
    },
  },
  dismiss: {
    permission: "spike.triage",
    async run({ db, orgId, incidentId, form, actor }) {
      await dismissCluster(db, orgId, Number(form.clusterId), { reason: form.reason, incidentId }, actor);
      return `Suggestion #${form.clusterId} dismissed.`;
    },
  },
  note: {
    // Comms drafts updates and may note what it learns on the timeline, too.
    permission: ["incident.manage", "update.draft"],
    async run({ db, orgId, incidentId, form, actor }) {
      await addNote(db, orgId, incidentId, { note: form.note }, actor);
      return "Note added.";
    },
  },
  reply: {
    permission: "reply.send",
    async run({ db, orgId, incidentId, form, actor }) {
      const complaintIds = ([] as string[]).concat(form.complaintId ?? []).map(Number);
      const clusterId = form.clusterId ? Number(form.clusterId) : null;
      const result = await sendReplies(
        db,
        orgId,
        incidentId,
        { body: form.body, complaintIds, clusterId },
        actor,
      );
      return result.replied
        ? `Replied to ${result.replied} ${result.replied === 1 ? "person" : "people"}; the replies are queued on their channels.`
        : "Everyone there has already been answered.";
    },
  },
};

/** The handler of a room form's `intent`, or undefined for an unknown one. */
export function roomIntent(intent: string): RoomIntent | undefined {
  return Object.hasOwn(ROOM_INTENTS, intent) ? ROOM_INTENTS[intent] : undefined;
}
