import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { organisationCounts } from "~/services/overview.server";
import { requirePermission } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Updates · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "console.read");
  const { updateCount } = await organisationCounts(services.db, services.orgId);
  return { updateCount };
}

export default function Updates() {
  const { updateCount } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Status updates</h1>
      {updateCount === 0 ? (
        <EmptyState title="No status updates yet">
          <p>
            Updates are written for an incident: drafted once by comms, tailored per channel, approved, then
            published to the status page and every connected channel. Open an incident to write its first
            holding statement.
          </p>
        </EmptyState>
      ) : (
        <p>{updateCount} updates</p>
      )}
    </>
  );
}
