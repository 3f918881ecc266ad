import { isAppError, RateLimitedError } from "./errors";
import { log } from "./log.server";

/** JSON error answers for /api/v1, in the contract's shape: `{ "error": "..." }`. */
export function apiError(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers?: HeadersInit,
) {
  return Response.json({ error: message, ...extra }, { status, headers });
}

/**
 * Run an API handler, mapping the app's typed errors to their status and anything unexpected to a
 * logged 500 that reveals nothing internal. Responses thrown by guards (401, 503) pass through.
 */
export async function handleApi(request: Request, fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Response) return error;
    if (
      error &&
      typeof error === "object" &&
      "type" in error &&
      (error as { type: string }).type === "DataWithResponseInit"
    ) {
      const d = error as unknown as { data: unknown; init: ResponseInit | null };
      return Response.json(d.data, d.init ?? {});
    }
    if (error instanceof RateLimitedError) {
      return apiError(429, error.message, {}, { "Retry-After": String(error.retryAfterSeconds) });
    }
    if (isAppError(error)) {
      const fields = "fields" in error ? { fields: (error as { fields: unknown }).fields } : {};
      return apiError(error.status, error.message, fields);
    }
    log.error(
      `api error on ${request.method} ${new URL(request.url).pathname}: ${(error as Error)?.stack ?? error}`,
    );
    return apiError(
      500,
      "Internal error; it has been logged. Retry later, and tell the Clarion admin if it persists.",
    );
  }
}

export function methodNotAllowed(allowed: string) {
  return apiError(405, `Use ${allowed} on this endpoint.`, {}, { Allow: allowed });
}

/** A request body as an async iterable of byte chunks (web streams are async-iterable in Node 20). */
export function bodyChunks(request: Request): AsyncIterable<Uint8Array> {
  const body = request.body;
  if (!body) return (async function* () {})();
  return body as unknown as AsyncIterable<Uint8Array>;
}
