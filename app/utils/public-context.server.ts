import type { AppLoadContext } from "@remix-run/node";
import type { PublicContext } from "~/services/subscribers.server";
import { subscriberLinks } from "~/services/subscriptions.server";
import { servicesOf } from "./request.server";

/** The public subscription pages' context: the database, the organisation, and the link keys. */
export function publicContext(context: AppLoadContext): PublicContext {
  const { db, orgId } = servicesOf(context);
  return { db, orgId, links: subscriberLinks() };
}
