import type { LoaderFunctionArgs } from "@remix-run/node";
import { CSV_TABLES, metricsCsv } from "~/domain/metrics/csv";
import { parseMetricsFilter } from "~/domain/metrics/filters";
import { metricsOverview } from "~/services/metrics-overview.server";
import { requirePermission } from "~/utils/auth.server";
import { ValidationError } from "~/utils/errors";

/**
 * /metrics.csv?table=incidents|trends|channels|workload&from&to&region&severity: one of /metrics' tables
 * as a CSV download, with the page's filters. A bad parameter is a 400 that says which and why.
 */
function refuse(messages: string[]) {
  return new Response(`${messages.join("\n")}\n`, {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const params = new URL(request.url).searchParams;
  const table = params.get("table") || "incidents";
  if (!(CSV_TABLES as readonly string[]).includes(table)) {
    return refuse([`table: choose one of ${CSV_TABLES.join(", ")} (not “${table.slice(0, 40)}”)`]);
  }
  const parsed = parseMetricsFilter(params, Date.now());
  if (!parsed.ok) return refuse(Object.entries(parsed.errors).map(([k, v]) => `${k}: ${v}`));
  let overview: Awaited<ReturnType<typeof metricsOverview>>;
  try {
    overview = await metricsOverview(services.db, services.orgId, parsed.filter);
  } catch (error) {
    if (error instanceof ValidationError)
      return refuse(Object.entries(error.fields).map(([k, v]) => `${k}: ${v}`));
    throw error;
  }
  const f = parsed.filter;
  const name = `clarion-${table}-${f.fromDay}_${f.toDay}${f.region ? `-${f.region}` : ""}${f.severity ? `-${f.severity}` : ""}.csv`;
  return new Response(metricsCsv(table as (typeof CSV_TABLES)[number], overview), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8; header=present",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
