/**
 * What a failed database write broke, read from either driver's error (postgres.js `PostgresError`:
 * `constraint_name`, `table_name`; PGlite's `DatabaseError`: `constraint`, `table`), wherever drizzle
 * wrapped it (`DrizzleQueryError.cause`). Lets a service say "it breaks spikes_open_cell_key" instead of
 * printing the failed SQL.
 */
export interface DbErrorInfo {
  /** SQLSTATE, e.g. 23505 (unique violation), 23503 (foreign key). */
  code: string | null;
  constraint: string | null;
  table: string | null;
  /** The server's detail line ("Key (org_id, region_code, topic_slug)=(1, MI, outage) already exists."). */
  detail: string | null;
  message: string;
}

export function dbErrorInfo(error: unknown): DbErrorInfo | null {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const r = e as Record<string, unknown>;
    const code = typeof r.code === "string" && /^[0-9A-Z]{5}$/.test(r.code) ? r.code : null;
    const constraint = str(r.constraint_name) ?? str(r.constraint);
    if (code || constraint) {
      return {
        code,
        constraint,
        table: str(r.table_name) ?? str(r.table),
        detail: str(r.detail),
        message: str(r.message) ?? "database error",
      };
    }
    e = r.cause;
  }
  return null;
}

function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}
