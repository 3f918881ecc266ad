import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { countOpenIncidents } from "~/services/incidents.server";
import { requirePermission } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Metrics · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  return { openIncidents: await countOpenIncidents(services.db, services.orgId) };
}

export default function Metrics() {
  useLoaderData<typeof loader>();
  return (
    <>
      <h1>Metrics</h1>
      <EmptyState title="No incidents to measure yet">
        <p>
          For each incident Clarion measures the time to the first public update, whether the promised update
          cadence was kept, how many complaints were answered, and complaint volume after each update. They
          appear here once an incident has run.
        </p>
      </EmptyState>
    </>
  );
}
