import { type AppLoadContext, data, redirect } from "@remix-run/node";
import type { AppServices } from "~/context";
import { can, type Permission } from "~/domain/permissions";
import { type SessionUser, userForSession } from "~/services/auth.server";
import { authenticateApiToken } from "~/services/tokens.server";
import { servicesOf } from "./request.server";
import { readSessionToken } from "./session.server";

export interface Viewer {
  user: SessionUser;
  services: AppServices;
}

export async function getSessionUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  const services = servicesOf(context);
  const token = await readSessionToken(request, services.env);
  if (!token) return null;
  const user = await userForSession(services.db, token, services.env.SESSION_TTL_HOURS);
  return user && user.orgId === services.orgId ? user : null;
}

/** The signed-in user, or a redirect to sign-in that comes back here afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<Viewer> {
  const services = servicesOf(context);
  const user = await getSessionUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = `${url.pathname}${url.search}`;
    throw redirect(back === "/" ? "/signin" : `/signin?${new URLSearchParams({ redirectTo: back })}`);
  }
  return { user, services };
}

/**
 * The one permission check: every loader and action calls this (or `requireApiPermission`) with the
 * permission it needs. A signed-in user without it gets 403.
 */
export async function requirePermission(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
): Promise<Viewer> {
  const viewer = await requireUser(request, context);
  if (!can(viewer.user.role, permission)) {
    throw data(
      { error: `Your role (${viewer.user.role}) cannot do this: it needs the “${permission}” permission.` },
      { status: 403 },
    );
  }
  return viewer;
}

export interface ApiCaller {
  orgId: number;
  tokenId: number;
  services: AppServices;
}

/** Bearer-token check for /api/v1: 401 JSON without a valid token. */
export async function requireApiToken(request: Request, context: AppLoadContext): Promise<ApiCaller> {
  const services = servicesOf(context);
  const header = request.headers.get("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const found = match ? await authenticateApiToken(services.db, match[1]) : null;
  if (!found || found.orgId !== services.orgId) {
    throw Response.json(
      {
        error:
          "Missing or invalid API token: send `Authorization: Bearer <token>` (create one with `npm run cli -- token create --name NAME`).",
      },
      { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="clarion"' } },
    );
  }
  return { orgId: found.orgId, tokenId: found.tokenId, services };
}

/**
 * Inbound webhooks authenticate by signature (checked by the sources service with the source's own
 * secret), not by token or session; this only makes that explicit at the route and checks readiness.
 */
export function requireWebhookSource(context: AppLoadContext): AppServices {
  return servicesOf(context);
}

/** For actions more than one role family may take (e.g. timeline notes: commanders or comms). */
export async function requireAnyPermission(
  request: Request,
  context: AppLoadContext,
  permissions: Permission[],
): Promise<Viewer> {
  const viewer = await requireUser(request, context);
  if (!permissions.some((p) => can(viewer.user.role, p))) {
    throw data(
      {
        error: `Your role (${viewer.user.role}) cannot do this: it needs one of ${permissions.map((p) => `“${p}”`).join(", ")}.`,
      },
      { status: 403 },
    );
  }
  return viewer;
}
