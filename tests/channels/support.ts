import type { ChannelAdapter, ChannelContext, OutboundMessage, PostedPart } from "~/channels/types";

/**
 * The client timeout for "the remote took the request and never answered" tests: short, but long
 * enough that a busy CI machine still gets the request to the stand-in before giving up.
 */
export const HANG_TIMEOUT_MS = 500;

/** A channel context as the worker builds it: settings parsed by the adapter's own schemas. */
export function contextFor<Config, Credentials>(
  adapter: ChannelAdapter<Config, Credentials>,
  config: unknown,
  credentials: unknown,
  timeoutMs = 2000,
): ChannelContext<Config, Credentials> {
  return {
    config: adapter.configSchema.parse(config),
    credentials: adapter.credentialsSchema.parse(credentials),
    fetch: globalThis.fetch,
    timeoutMs,
    publicUrl: "https://status.example.test",
  };
}

export interface TestMessage extends OutboundMessage {
  /** How many requests the remote had seen each time markDispatched was called. */
  dispatchedAt: number[];
  recorded: PostedPart[];
}

/**
 * An outbound message whose bookkeeping is observable: `seen()` reports how many requests the fake
 * has received, so a test can check markDispatched ran before the posting request arrived.
 */
export function outbound(
  payload: unknown,
  seen: () => number,
  overrides: Partial<OutboundMessage> = {},
): TestMessage {
  const message: TestMessage = {
    purpose: "update",
    payload,
    idempotencyKey: "delivery-41-attempt-key",
    thread: null,
    replyTo: null,
    recipient: null,
    postedParts: [],
    dispatchedAt: [],
    recorded: [],
    async recordPart(part) {
      message.recorded.push(part);
    },
    async markDispatched() {
      message.dispatchedAt.push(seen());
    },
    ...overrides,
  };
  return message;
}
