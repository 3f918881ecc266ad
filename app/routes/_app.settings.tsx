import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { requirePermission } from "~/utils/auth.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requirePermission(request, context, "console.read");
  return {
    canManageSources: can(user.role, "source.manage"),
    canManageChannels: can(user.role, "channel.manage"),
    canSeeTemplates: can(user.role, "update.draft") || can(user.role, "user.manage"),
  };
}

export default function SettingsLayout() {
  const { canManageSources, canManageChannels, canSeeTemplates } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Settings</h1>
      <nav className="tabs" aria-label="Settings">
        <NavLink to="/settings" end>
          People &amp; tokens
        </NavLink>
        {canManageSources ? <NavLink to="/settings/sources">Sources</NavLink> : null}
        <NavLink to="/settings/taxonomy">Topics</NavLink>
        {canManageChannels ? <NavLink to="/settings/channels">Channels</NavLink> : null}
        {canSeeTemplates ? <NavLink to="/settings/templates">Templates &amp; approval</NavLink> : null}
      </nav>
      <Outlet />
    </>
  );
}
