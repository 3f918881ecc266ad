import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { countOpenIncidents } from "~/services/incidents.server";
import { requirePermission } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Incidents · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  return {
    openIncidents: await countOpenIncidents(services.db, services.orgId),
    canCreate: can(user.role, "incident.create"),
  };
}

export default function Incidents() {
  const { openIncidents, canCreate } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Incidents</h1>
      {openIncidents === 0 ? (
        <div className="empty">
          <h2>No open incidents</h2>
          <p>
            Incidents are opened from a spike in complaints (see <a href="/spikes">Spikes</a>) or by an
            incident commander.{" "}
            {canCreate
              ? "As a commander you will open them here."
              : "Commanders open them; you will see them here."}
          </p>
        </div>
      ) : (
        <p>{openIncidents} open</p>
      )}
    </>
  );
}
