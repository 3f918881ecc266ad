/**
 * One error family for the whole app. Services throw these; `errorResponse` maps them to HTTP in one
 * place. Anything else is a bug and becomes a 500 with a generic message (details go to the log).
 */
export class AppError extends Error {
  readonly status: number = 500;
  readonly expose: boolean = true;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  override readonly status = 400;
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class UnauthorizedError extends AppError {
  override readonly status = 401;
}

export class ForbiddenError extends AppError {
  override readonly status = 403;
}

export class NotFoundError extends AppError {
  override readonly status = 404;
}

export class ConflictError extends AppError {
  override readonly status = 409;
}

export class PayloadTooLargeError extends AppError {
  override readonly status = 413;
}

export class RateLimitedError extends AppError {
  override readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class UnavailableError extends AppError {
  override readonly status = 503;
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Field messages from a zod error, keyed by dotted path ("author.followers"). */
export function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_form";
    out[key] ??= issue.message;
  }
  return out;
}
