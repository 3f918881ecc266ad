import { describe, expect, it } from "vitest";
import {
  approvalPolicyFrom,
  DEFAULT_APPROVAL_POLICY,
  rankTemplates,
  refusal,
  stateAfter,
  type VerbCheck,
} from "./updates";

const base: VerbCheck = {
  verb: "approve",
  state: "in_review",
  role: "approver",
  userId: 2,
  authorUserId: 1,
  severity: "SEV2",
  policy: DEFAULT_APPROVAL_POLICY,
};

describe("update approval rules", () => {
  it("lets an approver approve someone else's update in review", () => {
    expect(refusal(base)).toBeNull();
    expect(stateAfter("approve", "in_review")).toBe("approved");
  });

  it("refuses the author approving their own update where the severity requires a second person", () => {
    const why = refusal({ ...base, role: "admin", userId: 1 });
    expect(why).toMatch(/someone other than its author/);
  });

  it("lets the author approve when the policy for that severity allows it", () => {
    const policy = approvalPolicyFrom({ SEV4: { distinctApprover: false } });
    expect(refusal({ ...base, role: "admin", userId: 1, severity: "SEV4", policy })).toBeNull();
    expect(refusal({ ...base, role: "admin", userId: 1, severity: "SEV3", policy })).not.toBeNull();
  });

  it("refuses approval by roles without update.approve", () => {
    expect(refusal({ ...base, role: "comms" })).toMatch(/Only an approver/);
    expect(refusal({ ...base, role: "commander", verb: "request_changes" })).toMatch(/Only an approver/);
  });

  it("only approves what is in review", () => {
    expect(refusal({ ...base, state: "draft" })).toMatch(/only an update in review/);
    expect(refusal({ ...base, state: "published" })).toMatch(/only an update in review/);
  });

  it("freezes published and approved text; an edit in review returns it to draft", () => {
    expect(refusal({ ...base, verb: "edit", role: "comms", state: "published" })).toMatch(
      /no longer be edited/,
    );
    expect(refusal({ ...base, verb: "edit", role: "comms", state: "approved" })).toMatch(
      /no longer be edited/,
    );
    expect(refusal({ ...base, verb: "edit", role: "comms", state: "in_review" })).toBeNull();
    expect(stateAfter("edit", "in_review")).toBe("draft");
  });

  it("can withdraw an approved update that has not gone out, never a published one", () => {
    expect(refusal({ ...base, verb: "withdraw", role: "comms", state: "approved" })).toBeNull();
    expect(refusal({ ...base, verb: "withdraw", role: "comms", state: "published" })).toMatch(
      /no longer be withdrawn/,
    );
  });

  it("keeps viewers out of drafting and commenting", () => {
    expect(refusal({ ...base, verb: "edit", role: "viewer", state: "draft" })).toMatch(/Only comms/);
    expect(refusal({ ...base, verb: "comment", role: "viewer", state: "draft" })).toMatch(/Viewers/);
  });

  it("reads a malformed stored policy as the strict default", () => {
    expect(approvalPolicyFrom({ SEV1: { distinctApprover: "no" }, SEV2: null })).toEqual(
      DEFAULT_APPROVAL_POLICY,
    );
  });
});

describe("template ranking", () => {
  const list = [
    { name: "General update", kind: "update" as const, topicSlug: null, severity: null },
    { name: "General holding", kind: "holding" as const, topicSlug: null, severity: null },
    { name: "Outage holding", kind: "holding" as const, topicSlug: "outage", severity: null },
    { name: "Outage SEV1 holding", kind: "holding" as const, topicSlug: "outage", severity: "SEV1" as const },
    { name: "Billing holding", kind: "holding" as const, topicSlug: "billing", severity: null },
  ];

  it("offers the most specific template of the kind first and hides other topics", () => {
    const ranked = rankTemplates(list, { kind: "holding", topics: ["outage"], severity: "SEV1" });
    expect(ranked.map((t) => t.name)).toEqual([
      "Outage SEV1 holding",
      "Outage holding",
      "General holding",
      "General update",
    ]);
  });

  it("drops severity-specific templates for other severities", () => {
    const ranked = rankTemplates(list, { kind: "holding", topics: ["outage"], severity: "SEV3" });
    expect(ranked.map((t) => t.name)).not.toContain("Outage SEV1 holding");
  });
});
