import type { LoaderFunctionArgs } from "@remix-run/node";
import { listSpikes } from "~/services/detection.server";
import { apiError, handleApi } from "~/utils/api.server";
import { requireApiToken } from "~/utils/auth.server";

/** GET /api/v1/spikes?from=ISO&to=ISO — stored spikes (clusters) by detection time (★ contract). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const caller = await requireApiToken(request, context);
    const url = new URL(request.url);
    const range: { from?: Date; to?: Date } = {};
    for (const name of ["from", "to"] as const) {
      const value = url.searchParams.get(name);
      if (value === null) continue;
      const date = new Date(value);
      if (Number.isNaN(date.getTime()))
        return apiError(400, `${name} must be an ISO date-time, e.g. 2026-11-02T00:00:00Z`);
      range[name] = date;
    }
    return Response.json({ spikes: await listSpikes(caller.services.db, caller.orgId, range) });
  });
}
