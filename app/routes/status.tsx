import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { publicStatus } from "~/services/status-page.server";
import { servicesOf } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Service status" }];

/** Public: no sign-in. Shows only what has been published. */
export async function loader({ context }: LoaderFunctionArgs) {
  const services = servicesOf(context);
  return publicStatus(services.db, services.orgId);
}

export default function StatusPage() {
  const status = useLoaderData<typeof loader>();
  return (
    <main className="public">
      <h1>{status.orgName} status</h1>
      {status.published.length === 0 ? (
        <p className="status-banner">No incidents have been reported.</p>
      ) : (
        <section>
          {status.published.map((u) => (
            <article key={u.id} className="panel">
              <h2>{u.incidentTitle}</h2>
              <p>{u.body}</p>
              <p className="muted">{new Date(u.publishedAt).toUTCString()}</p>
            </article>
          ))}
        </section>
      )}
    </main>
  );
}
