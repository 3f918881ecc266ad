import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { organisationCounts } from "~/services/overview.server";
import { requirePermission } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Spikes · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const { spikeCount, complaintCount, regionCount } = await organisationCounts(services.db, services.orgId);
  return { spikeCount, complaintCount, regionCount };
}

export default function Spikes() {
  const { spikeCount, complaintCount, regionCount } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Spikes</h1>
      {spikeCount === 0 ? (
        <EmptyState title="No spikes detected">
          <p>
            A spike is complaint volume in one of your {regionCount} regions rising above its usual level for
            a topic.
            {complaintCount === 0
              ? " No complaints have arrived yet: connect a source or import a file first (Settings → API tokens)."
              : ` ${complaintCount.toLocaleString()} complaints are stored and none is unusual.`}
          </p>
        </EmptyState>
      ) : (
        <p>{spikeCount} spikes</p>
      )}
    </>
  );
}
