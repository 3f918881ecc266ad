import type { Role } from "~db/schema/enums";

/**
 * What each role may do. Viewers read; support replies and imports; comms drafts; approvers approve;
 * commanders run incidents; admins configure. Every loader and action names one of these.
 */
export const PERMISSIONS = {
  "console.read": ["admin", "commander", "comms", "approver", "support", "viewer"],
  "incident.create": ["admin", "commander"],
  "incident.manage": ["admin", "commander"],
  "spike.triage": ["admin", "commander", "support"],
  "complaint.import": ["admin", "support"],
  "reply.send": ["admin", "commander", "comms", "support"],
  "update.draft": ["admin", "commander", "comms"],
  "update.approve": ["admin", "approver"],
  "update.publish": ["admin", "commander", "comms"],
  /** The crisis kill switch: stop every queued and scheduled post at once, and release it. */
  "publishing.pause": ["admin", "commander", "approver"],
  "taxonomy.manage": ["admin", "support"],
  "source.manage": ["admin"],
  "channel.manage": ["admin"],
  "maintenance.manage": ["admin", "commander"],
  "user.manage": ["admin"],
  "token.manage": ["admin"],
  "audit.read": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return ALL_PERMISSIONS.filter((p) => can(role, p));
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  commander: "Incident commander",
  comms: "PR / comms",
  approver: "Approver",
  support: "Support lead",
  viewer: "Viewer",
};
