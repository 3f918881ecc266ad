import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { organisationCounts } from "~/services/overview.server";
import { requirePermission } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Complaints · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const { complaintCount } = await organisationCounts(services.db, services.orgId);
  return { complaintCount };
}

export default function Complaints() {
  const { complaintCount } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Complaints</h1>
      {complaintCount === 0 ? (
        <EmptyState title="No complaints yet">
          <p>
            Complaints arrive from your sources: posts, tickets, call notes and the public report form. An
            admin can create an API token under <a href="/settings">Settings</a>, then send complaint records
            to <code>POST /api/v1/complaints</code>.
          </p>
        </EmptyState>
      ) : (
        <p>{complaintCount.toLocaleString()} complaints stored.</p>
      )}
    </>
  );
}
