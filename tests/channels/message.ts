import type { ChannelContext, OutboundMessage, PostedPart } from "~/channels/types";

/**
 * An outbound message as the worker hands it over, with its durable side effects kept in memory:
 * `recorded` is what recordPart stored (the worker's `progress`), `dispatched` counts markDispatched.
 */
export interface TestMessage extends OutboundMessage {
  recorded: PostedPart[];
  dispatched: number;
}

export function testMessage(overrides: Partial<OutboundMessage> & { payload: unknown }): TestMessage {
  const message: TestMessage = {
    purpose: "update",
    idempotencyKey: `delivery-${Math.random().toString(36).slice(2)}`,
    thread: null,
    replyTo: null,
    recipient: null,
    postedParts: [],
    recorded: [],
    dispatched: 0,
    async recordPart(part) {
      message.recorded.push(part);
    },
    async markDispatched() {
      message.dispatched++;
    },
    ...overrides,
  };
  return message;
}

/** The same delivery claimed again after an attempt: what it recorded is now `postedParts`. */
export function retryOf(previous: TestMessage): TestMessage {
  return testMessage({
    purpose: previous.purpose,
    payload: previous.payload,
    idempotencyKey: previous.idempotencyKey,
    thread: previous.thread,
    replyTo: previous.replyTo,
    postedParts: [...previous.postedParts, ...previous.recorded],
  });
}

export function testContext<Config, Credentials>(
  config: Config,
  credentials: Credentials,
  timeoutMs = 2_000,
): ChannelContext<Config, Credentials> {
  return { config, credentials, fetch: globalThis.fetch, timeoutMs, publicUrl: "http://clarion.test" };
}
