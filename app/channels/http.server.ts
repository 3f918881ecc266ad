import type { SendOutcome } from "./types";

/**
 * One way to call a remote API and turn what happened into a delivery outcome, shared by every HTTP
 * adapter so retries, Retry-After and "did the request leave?" are decided the same way everywhere.
 */

/** Network failures that happen before a byte of the request is written: always safe to retry. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export interface HttpCall {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** A JSON body (serialised here) or a pre-encoded one (form bodies). */
  json?: unknown;
  body?: string;
}

export type HttpResult =
  | { ok: true; status: number; headers: Headers; body: unknown; text: string }
  | {
      ok: false;
      outcome: Exclude<SendOutcome, { outcome: "sent" }>;
      /**
       * What the remote answered, when it answered: for providers whose error body says more than the
       * status (Facebook rate limits arrive as 400 with a code; Bluesky's ExpiredToken is a 400 that a
       * session refresh fixes; an existing record key is a 500 the adapter settles by reading it).
       */
      response?: { status: number; headers: Headers; body: unknown };
    };

export interface HttpOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  /** The remote dedupes this request (idempotency key, chosen record key): a timeout may be retried. */
  idempotent: boolean;
  /** Called right before the request leaves (see OutboundMessage.markDispatched). */
  beforeDispatch?: () => Promise<void>;
  /** Turn a provider's error body into a sentence a person can act on. */
  describeError?: (status: number, body: unknown, text: string) => string | null;
  /** Provider-specific rate-limit reset (e.g. X's x-rate-limit-reset), as a delay in ms. */
  rateLimitDelayMs?: (headers: Headers) => number | null;
  /** Statuses besides 429 that the provider answers when rate limiting (Statuspage still sends 420). */
  rateLimitStatuses?: number[];
}

/** Call the remote; a 2xx comes back with its parsed body, anything else as a classified outcome. */
export async function callRemote(call: HttpCall, options: HttpOptions): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: "application/json", ...call.headers };
  let body = call.body;
  if (call.json !== undefined) {
    body = JSON.stringify(call.json);
    headers["content-type"] ??= "application/json";
  }
  await options.beforeDispatch?.();
  let response: Response;
  try {
    response = await options.fetch(call.url, {
      method: call.method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: "manual",
    });
  } catch (error) {
    return { ok: false, outcome: networkFailure(error, options.idempotent, options.timeoutMs) };
  }
  let text = "";
  try {
    text = await response.text();
  } catch (error) {
    // Headers arrived but the body did not: the remote did act on the request.
    if (response.ok)
      return { ok: true, status: response.status, headers: response.headers, body: null, text };
    return { ok: false, outcome: networkFailure(error, options.idempotent, options.timeoutMs) };
  }
  const parsed = parseBody(text);
  if (response.ok)
    return { ok: true, status: response.status, headers: response.headers, body: parsed, text };
  return {
    ok: false,
    outcome: classifyStatus(response.status, response.headers, parsed, text, options),
    response: { status: response.status, headers: response.headers, body: parsed },
  };
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function networkFailure(
  error: unknown,
  idempotent: boolean,
  timeoutMs: number,
): Exclude<SendOutcome, { outcome: "sent" }> {
  const err = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  if (code && NOT_SENT_CODES.has(code)) {
    return { outcome: "retry", reason: `Could not connect (${code}); nothing was sent.` };
  }
  const timedOut = err.name === "TimeoutError" || err.name === "AbortError";
  const what = timedOut
    ? `No answer within ${Math.round(timeoutMs / 1000)} s`
    : `The connection failed (${code ?? err.cause?.message ?? err.name ?? "network error"})`;
  if (idempotent) return { outcome: "retry", reason: `${what}; retrying with the same idempotency key.` };
  return {
    outcome: "unknown",
    reason: `${what} after the request was sent: it may have been posted. Check the channel, then mark it sent or send it again.`,
  };
}

/** 429, 408 and 5xx are retried; other 4xx are permanent, with the remote's own reason. */
export function classifyStatus(
  status: number,
  headers: Headers,
  body: unknown,
  text: string,
  options: Pick<HttpOptions, "describeError" | "rateLimitDelayMs" | "rateLimitStatuses">,
): Exclude<SendOutcome, { outcome: "sent" }> {
  const remoteReason = options.describeError?.(status, body, text) ?? genericReason(body, text);
  const rateLimited = status === 429 || (options.rateLimitStatuses?.includes(status) ?? false);
  if (rateLimited || status === 408 || status >= 500) {
    // Providers send their rate-limit window's reset (x-rate-limit-reset, X-RateLimit-Reset,
    // ratelimit-reset) on every answer: it says when to retry a rate limit, not a 503 — waiting for it
    // there held a Mastodon message up to 5 minutes (X 15, Bluesky 60) after a passing 5xx.
    // Retry-After is meant for both.
    const windowReset = rateLimited ? options.rateLimitDelayMs?.(headers) : null;
    const retryAfterMs = retryAfter(headers) ?? windowReset ?? undefined;
    return {
      outcome: "retry",
      reason: `${rateLimited ? "Rate limited" : `The remote answered ${status}`}${remoteReason ? `: ${remoteReason}` : ""}`,
      retryAfterMs,
      httpStatus: status,
      channelWide: rateLimited,
    };
  }
  if (status === 401 || status === 403) {
    return {
      outcome: "failed",
      reason: `The channel's credentials were refused (${status})${remoteReason ? `: ${remoteReason}` : ""}. Update them in Settings → Channels, then retry.`,
      httpStatus: status,
    };
  }
  if (status >= 300 && status < 400) {
    return {
      outcome: "failed",
      reason: `The remote redirected (${status}); check the channel's base URL.`,
      httpStatus: status,
    };
  }
  return {
    outcome: "failed",
    reason: `The remote refused the message (${status})${remoteReason ? `: ${remoteReason}` : ""}.`,
    httpStatus: status,
  };
}

function genericReason(body: unknown, text: string): string | null {
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    for (const key of ["error_description", "message", "detail", "error", "title"]) {
      const value = b[key];
      if (typeof value === "string" && value) return value;
      if (value && typeof value === "object" && typeof (value as { message?: unknown }).message === "string")
        return (value as { message: string }).message;
    }
  }
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 200) : null;
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), as a delay in ms. */
export function retryAfter(headers: Headers, now = Date.now()): number | null {
  const value = headers.get("retry-after");
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
