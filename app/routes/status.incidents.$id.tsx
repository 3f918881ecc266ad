import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { IncidentUpdates } from "~/components/status-page";
import { t } from "~/locales";
import { publicIncident, statusVersion } from "~/services/status-page.server";
import { NotFoundError } from "~/utils/errors";
import {
  cachedPageHeaders,
  publicCacheHeaders,
  throwIfNotModified,
  weakEtag,
} from "~/utils/http-cache.server";
import { servicesOf } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: d ? `${d.incident.title} · ${t("page.title", { org: d.org })}` : t("incident.notFound") },
];

export const headers: HeadersFunction = cachedPageHeaders;

/** One incident's published updates (the status page adapter links here with `#update-N`). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, orgId } = servicesOf(context);
  const id = /^\d{1,9}$/.test(params.id ?? "") ? Number(params.id) : 0;
  const etag = weakEtag("incident", String(id), await statusVersion(db, orgId));
  throwIfNotModified(request, etag);
  try {
    return data(await publicIncident(db, orgId, id), { headers: publicCacheHeaders(etag) });
  } catch (error) {
    if (error instanceof NotFoundError) throw data({ error: t("incident.notFound") }, { status: 404 });
    throw error;
  }
}

export default function PublicIncidentPage() {
  const { org, incident, regionNames } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/status">← {t("incident.back")}</Link>
      </p>
      <h1>{t("page.title", { org })}</h1>
      <IncidentUpdates incident={incident} regionNames={regionNames} headingLevel={2} link={false} />
    </>
  );
}
