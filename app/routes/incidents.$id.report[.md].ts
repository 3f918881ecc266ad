import type { LoaderFunctionArgs } from "@remix-run/node";
import { reportMarkdown } from "~/domain/metrics/markdown";
import { incidentReport } from "~/services/report.server";
import { requirePermission } from "~/utils/auth.server";
import { incidentIdParam, orNotFound, windowParam } from "~/utils/metrics-request.server";

/** The post-incident comms report as a Markdown file (a download). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const id = incidentIdParam(params);
  const windowMinutes = windowParam(new URL(request.url));
  const report = await orNotFound(incidentReport(services.db, services.orgId, id, { windowMinutes }));
  return new Response(reportMarkdown(report), {
    headers: {
      "Content-Type": "text/markdown; charset=utf-8",
      "Content-Disposition": `attachment; filename="incident-${id}-comms-report.md"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
