import type { Role, Severity, UpdateKind, UpdateState } from "~db/schema/enums";
import { SEVERITIES } from "~db/schema/enums";
import { can } from "./permissions";

/**
 * The approval rules of a status update (pure). An update moves draft → in review → approved →
 * published; nothing leaves unapproved, and what is approved is exactly one version of the text.
 *
 * - Editing is possible while a draft or in review; an edit in review sends it back to draft (the
 *   reviewer was reading another text).
 * - The approver must hold `update.approve` and, where the organisation's policy for the incident's
 *   severity says so, be someone other than the author.
 * - Approved means queued: it is published at approval, at its scheduled time, or when the kill switch
 *   is released. Until then it can still be withdrawn.
 */

export type UpdateVerb = "edit" | "submit" | "request_changes" | "approve" | "withdraw" | "comment";

const VERB_FROM: Record<UpdateVerb, UpdateState[]> = {
  edit: ["draft", "in_review"],
  submit: ["draft"],
  request_changes: ["in_review"],
  approve: ["in_review"],
  withdraw: ["draft", "in_review", "approved"],
  comment: ["draft", "in_review", "approved", "published"],
};

export const UPDATE_STATE_LABELS: Record<UpdateState, string> = {
  draft: "Draft",
  in_review: "In review",
  approved: "Approved · queued",
  published: "Published",
  withdrawn: "Withdrawn",
};

/** Per severity: must the approver be someone other than the author? */
export type ApprovalPolicy = Record<Severity, { distinctApprover: boolean }>;

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = Object.fromEntries(
  SEVERITIES.map((s) => [s, { distinctApprover: true }]),
) as ApprovalPolicy;

/** Read a stored policy leniently: missing or malformed severities take the default (the strict one). */
export function approvalPolicyFrom(stored: unknown): ApprovalPolicy {
  const policy = { ...DEFAULT_APPROVAL_POLICY };
  if (stored && typeof stored === "object") {
    for (const severity of SEVERITIES) {
      const entry = (stored as Record<string, unknown>)[severity];
      if (
        entry &&
        typeof entry === "object" &&
        typeof (entry as { distinctApprover?: unknown }).distinctApprover === "boolean"
      ) {
        policy[severity] = { distinctApprover: (entry as { distinctApprover: boolean }).distinctApprover };
      }
    }
  }
  return policy;
}

export interface VerbCheck {
  verb: UpdateVerb;
  state: UpdateState;
  role: Role;
  userId: number | null;
  authorUserId: number | null;
  severity: Severity;
  policy: ApprovalPolicy;
}

/** Why this person may not do this now, or null when they may. Messages are for the person. */
export function refusal(check: VerbCheck): string | null {
  const { verb, state, role } = check;
  if (!VERB_FROM[verb].includes(state)) return stateRefusal(verb, state);
  if (verb === "approve" || verb === "request_changes") {
    if (!can(role, "update.approve")) return "Only an approver can approve or send back an update.";
    if (
      verb === "approve" &&
      check.policy[check.severity].distinctApprover &&
      check.userId !== null &&
      check.userId === check.authorUserId
    ) {
      return `At ${check.severity} an update must be approved by someone other than its author.`;
    }
    return null;
  }
  if (verb === "comment")
    return can(role, "console.read") && role !== "viewer" ? null : "Viewers cannot comment.";
  return can(role, "update.draft") ? null : "Only comms, commanders and admins write updates.";
}

function stateRefusal(verb: UpdateVerb, state: UpdateState): string {
  const label = UPDATE_STATE_LABELS[state].toLowerCase();
  switch (verb) {
    case "edit":
      return `The update is ${label}: it can no longer be edited. Write a new update instead.`;
    case "submit":
      return `The update is ${label}, not a draft.`;
    case "approve":
    case "request_changes":
      return `The update is ${label}: only an update in review can be approved or sent back.`;
    case "withdraw":
      return `The update is ${label}: it can no longer be withdrawn.`;
    default:
      return `The update is ${label}.`;
  }
}

/** The state after a verb (edits in review return the update to draft). */
export function stateAfter(verb: UpdateVerb, state: UpdateState): UpdateState {
  switch (verb) {
    case "edit":
      return "draft";
    case "submit":
      return "in_review";
    case "request_changes":
      return "draft";
    case "approve":
      return "approved";
    case "withdraw":
      return "withdrawn";
    default:
      return state;
  }
}

/**
 * Templates in the order the composer offers them for an incident: the kind first, then the most
 * specific match (topic and severity, topic, severity, general).
 */
export function rankTemplates<
  T extends { kind: UpdateKind; topicSlug: string | null; severity: Severity | null; name: string },
>(list: T[], want: { kind: UpdateKind; topics: string[]; severity: Severity }): T[] {
  const score = (t: T) => {
    if (t.topicSlug && !want.topics.includes(t.topicSlug)) return -1;
    if (t.severity && t.severity !== want.severity) return -1;
    return (t.kind === want.kind ? 8 : 0) + (t.topicSlug ? 2 : 0) + (t.severity ? 1 : 0);
  };
  return list
    .map((t) => ({ t, s: score(t) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => b.s - a.s || a.t.name.localeCompare(b.t.name))
    .map((x) => x.t);
}
