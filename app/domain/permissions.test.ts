import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "~db/schema/enums";
import { ALL_PERMISSIONS, can, type Permission, permissionsOf } from "./permissions";

// The intended matrix, written out by role so a change to PERMISSIONS must be made twice on purpose.
const EXPECTED: Record<Role, Permission[]> = {
  admin: [...ALL_PERMISSIONS],
  commander: [
    "console.read",
    "incident.create",
    "incident.manage",
    "spike.triage",
    "reply.send",
    "update.draft",
    "update.publish",
    "maintenance.manage",
    "publishing.pause",
  ],
  comms: ["console.read", "reply.send", "update.draft", "update.publish"],
  approver: ["console.read", "update.approve", "publishing.pause"],
  support: ["console.read", "spike.triage", "complaint.import", "reply.send", "taxonomy.manage"],
  viewer: ["console.read"],
};

describe("permission matrix", () => {
  for (const role of ROLES) {
    for (const permission of ALL_PERMISSIONS) {
      const allowed = EXPECTED[role].includes(permission);
      it(`${role} ${allowed ? "may" : "may not"} ${permission}`, () => {
        expect(can(role, permission)).toBe(allowed);
      });
    }
  }

  it("lists each role's permissions in matrix order", () => {
    for (const role of ROLES) expect(new Set(permissionsOf(role))).toEqual(new Set(EXPECTED[role]));
  });

  it("gives viewers read access only and nobody but admins user management", () => {
    expect(permissionsOf("viewer")).toEqual(["console.read"]);
    expect(ROLES.filter((r) => can(r, "user.manage"))).toEqual(["admin"]);
  });
});
