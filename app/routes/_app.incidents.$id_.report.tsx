import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ReportView } from "~/components/metrics/report-view";
import { incidentReport } from "~/services/report.server";
import reportStyles from "~/styles/report.css";
import { requirePermission } from "~/utils/auth.server";
import { incidentIdParam, orNotFound, windowParam } from "~/utils/metrics-request.server";

/** The post-incident comms report of one incident (print it for a PDF; the Markdown is report.md). */

export const links = () => [{ rel: "stylesheet", href: reportStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Comms report · #${data.report.incident.id} ${data.report.incident.title} · Clarion`
      : "Comms report · Clarion",
  },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const id = incidentIdParam(params);
  const windowMinutes = windowParam(new URL(request.url));
  return { report: await orNotFound(incidentReport(services.db, services.orgId, id, { windowMinutes })) };
}

export default function IncidentReportPage() {
  const { report } = useLoaderData<typeof loader>();
  return <ReportView report={report} />;
}
