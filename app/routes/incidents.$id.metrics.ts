import type { LoaderFunctionArgs } from "@remix-run/node";
import { incidentMetricsFor } from "~/services/metrics.server";
import { requirePermission } from "~/utils/auth.server";
import { incidentIdParam, orNotFound, windowParam } from "~/utils/metrics-request.server";

/** One incident's comms metrics as JSON: what the room's metrics panel shows. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const id = incidentIdParam(params);
  const windowMinutes = windowParam(new URL(request.url));
  const metrics = await orNotFound(incidentMetricsFor(services.db, services.orgId, id, { windowMinutes }));
  return Response.json(metrics, { headers: { "Cache-Control": "private, no-store" } });
}
