import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { ROLE_LABELS } from "~/domain/permissions";
import { organisationName } from "~/services/bootstrap.server";
import { requirePermission } from "~/utils/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  return {
    me: { name: user.name, email: user.email, role: user.role },
    orgName: await organisationName(services.db, services.orgId),
  };
}

const NAV = [
  ["/incidents", "Incidents"],
  ["/spikes", "Spikes"],
  ["/complaints", "Complaints"],
  ["/updates", "Updates"],
  ["/status", "Status page"],
  ["/settings", "Settings"],
  ["/metrics", "Metrics"],
] as const;

export default function AppShell() {
  const { me, orgName } = useLoaderData<typeof loader>();
  return (
    <div className="shell">
      <aside className="shell-nav">
        <div className="brand">Clarion</div>
        <div className="org">{orgName}</div>
        <nav aria-label="Main">
          {NAV.map(([to, label]) =>
            to === "/status" ? (
              <a key={to} href={to} target="_blank" rel="noreferrer">
                {label} ↗
              </a>
            ) : (
              <NavLink key={to} to={to} prefetch="intent">
                {label}
              </NavLink>
            ),
          )}
        </nav>
        <div className="me" data-testid="me">
          <div>{me.name}</div>
          <div className="role">{ROLE_LABELS[me.role]}</div>
          <Form method="post" action="/signout">
            <button type="submit">Sign out</button>
          </Form>
        </div>
      </aside>
      <main className="shell-main">
        <Outlet />
      </main>
    </div>
  );
}
