import { composeVariants } from "./compose";
import type { ComposeChannelKind } from "./kinds";
import type { ChannelVariants, ComposeOptions, StatusUpdateInput } from "./types";

/** Shared by the channel tests: one update, and texts of known length built from 4-letter words. */
export const URL = "https://status.example.com/incidents/42"; // 39 characters

export const UPDATE: StatusUpdateInput = {
  kind: "update",
  title: "Power outage in Northern California",
  body: "Crews are restoring power.",
  incidentUrl: URL,
  orgName: "Acme",
  severity: "SEV2",
  regions: ["California", "Nevada"],
  nextUpdateAt: "2026-11-02T23:30:00Z", // 3:30 PM PST
  updateNumber: 2,
};

/** `n` words, "Abcd abcd … abcd": 5n − 1 characters, a word ending every 5. */
export function words(n: number): string {
  return ["Abcd", ...Array(n - 1).fill("abcd")].join(" ");
}

/** One sentence of exactly `5n` characters. */
export function sentence(n: number): string {
  return `${words(n)}.`;
}

export function compose<K extends ComposeChannelKind>(
  channel: K,
  input: Partial<StatusUpdateInput> = {},
  options: Partial<Omit<ComposeOptions, "channels">> = {},
): ChannelVariants[K] {
  const variants = composeVariants(
    { ...UPDATE, ...input },
    {
      timeZone: "America/Los_Angeles",
      ...options,
      channels: [channel],
    },
  );
  const variant = variants[channel];
  if (!variant) throw new Error(`no ${channel} variant`);
  return variant as ChannelVariants[K];
}
