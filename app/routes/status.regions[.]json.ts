import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicRegionShapes } from "~/services/status-page.server";
import { matchesEtag, weakEtag } from "~/utils/http-cache.server";
import { servicesOf } from "~/utils/request.server";

/** Region outlines for the status map (GeoJSON), fetched by the map once the page runs JavaScript. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, orgId } = servicesOf(context);
  const { version, fc } = await publicRegionShapes(db, orgId);
  const etag = weakEtag("regions", version);
  const headers = { "Cache-Control": "public, max-age=3600", ETag: etag };
  if (matchesEtag(request, etag)) return new Response(null, { status: 304, headers });
  return Response.json(fc, { headers: { ...headers, "Content-Type": "application/geo+json" } });
}
