import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { MetricsOverviewView } from "~/components/metrics/overview-view";
import { filterQuery, parseMetricsFilter } from "~/domain/metrics/filters";
import { metricsOverview } from "~/services/metrics-overview.server";
import { requirePermission } from "~/utils/auth.server";
import { ValidationError } from "~/utils/errors";

export const meta: MetaFunction = () => [{ title: "Metrics · Clarion" }];

/** Comms metrics across incidents, filtered by period, region and severity (query parameters). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const parsed = parseMetricsFilter(new URL(request.url).searchParams, Date.now());
  if (!parsed.ok) {
    return data({ values: parsed.values, errors: parsed.errors, overview: null, query: "" }, { status: 400 });
  }
  const f = parsed.filter;
  const values = { from: f.fromDay, to: f.toDay, region: f.region ?? "", severity: f.severity ?? "" };
  try {
    const overview = await metricsOverview(services.db, services.orgId, f);
    return { values, errors: {} as Record<string, string>, overview, query: filterQuery(f) };
  } catch (error) {
    if (error instanceof ValidationError) {
      return data({ values, errors: error.fields, overview: null, query: "" }, { status: 400 });
    }
    throw error;
  }
}

export default function Metrics() {
  const { values, errors, overview, query } = useLoaderData<typeof loader>();
  return <MetricsOverviewView values={values} errors={errors} overview={overview} query={query} />;
}
