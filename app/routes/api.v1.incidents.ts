import type { LoaderFunctionArgs } from "@remix-run/node";
import { listIncidents } from "~/services/incidents.server";
import { apiError, handleApi } from "~/utils/api.server";
import { requireApiToken } from "~/utils/auth.server";

/** GET /api/v1/incidents?state=open|all — incidents, newest first. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return handleApi(request, async () => {
    const caller = await requireApiToken(request, context);
    const state = new URL(request.url).searchParams.get("state") ?? "all";
    if (state !== "open" && state !== "all") return apiError(400, "state must be open or all");
    return Response.json({
      incidents: await listIncidents(caller.services.db, caller.orgId, { open: state === "open" }),
    });
  });
}
