import { and, count, eq, ne } from "drizzle-orm";
import type { Db } from "~db/client.server";
import { incidents } from "~db/schema";

export async function countOpenIncidents(db: Db, orgId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(incidents)
    .where(and(eq(incidents.orgId, orgId), ne(incidents.state, "resolved")));
  return row.n;
}
