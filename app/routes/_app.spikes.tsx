import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigate } from "@remix-run/react";
import { and, asc, eq, isNull } from "drizzle-orm";
import { EmptyState } from "~/components/empty-state";
import { links as mapLinks, OutageMap } from "~/components/outage-map";
import { can } from "~/domain/permissions";
import { useLiveRevalidation } from "~/hooks/use-live";
import { boardClusters } from "~/services/detection.server";
import { createIncident, dismissCluster, linkCluster, listIncidents } from "~/services/incidents.server";
import { organisationCounts } from "~/services/overview.server";
import { requirePermission } from "~/utils/auth.server";
import { isAppError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import { regions, topics } from "~db/schema";

export const links = () => [...mapLinks()];
export const meta: MetaFunction = () => [{ title: "Spikes · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  const { db, orgId } = services;
  const [clusters, open, counts, shapes, topicRows] = await Promise.all([
    boardClusters(db, orgId),
    listIncidents(db, orgId, { open: true }),
    organisationCounts(db, orgId),
    db
      .select({ code: regions.code, name: regions.name, geometry: regions.geometry })
      .from(regions)
      .where(eq(regions.orgId, orgId))
      .orderBy(asc(regions.code)),
    db
      .select({ slug: topics.slug, label: topics.label, severityHint: topics.severityHint })
      .from(topics)
      .where(and(eq(topics.orgId, orgId), isNull(topics.archivedAt))),
  ]);
  const scores: Record<string, number> = {};
  for (const c of clusters.filter((c) => c.endedAt === null && c.level === "detected")) {
    for (const r of c.regions) scores[r] = Math.max(scores[r] ?? 0, c.score);
  }
  return {
    clusters,
    incidents: open.map((i) => ({ id: i.id, title: i.title })),
    complaintCount: counts.complaintCount,
    regionCount: counts.regionCount,
    map: {
      regions: {
        type: "FeatureCollection" as const,
        features: shapes.map((s) => ({
          type: "Feature" as const,
          properties: { code: s.code, name: s.name },
          geometry: roundGeometry(s.geometry),
        })),
      },
      scores,
    },
    topics: Object.fromEntries(topicRows.map((t) => [t.slug, t])),
    mapboxToken: services.env.MAPBOX_ACCESS_TOKEN ?? null,
    may: {
      triage: can(user.role, "spike.triage"),
      create: can(user.role, "incident.create"),
      manage: can(user.role, "incident.manage"),
    },
  };
}

/** Coordinates to ~1 km for the national map (the full-resolution shapes are for point-in-polygon). */
function roundGeometry<T>(geometry: T): T {
  return JSON.parse(
    JSON.stringify(geometry, (_k, v) => (typeof v === "number" ? Math.round(v * 50) / 50 : v)),
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await formObject(request);
  const intent = String(form.intent ?? "");
  const clusterId = Number(form.clusterId);
  try {
    if (intent === "open") {
      const { user, services } = await requirePermission(request, context, "incident.create");
      const incident = await createIncident(
        services.db,
        services.orgId,
        { title: String(form.title ?? ""), severity: form.severity as never, fromClusterId: clusterId },
        { kind: "user", userId: user.id, ip: context.clientIp },
      );
      return redirect(`/incidents/${incident.id}`);
    }
    if (intent === "link") {
      const { user, services } = await requirePermission(request, context, "incident.manage");
      const incidentId = Number(form.incidentId);
      await linkCluster(services.db, services.orgId, incidentId, clusterId, {
        kind: "user",
        userId: user.id,
        ip: context.clientIp,
      });
      return redirect(`/incidents/${incidentId}`);
    }
    if (intent === "dismiss") {
      const { user, services } = await requirePermission(request, context, "spike.triage");
      await dismissCluster(
        services.db,
        services.orgId,
        clusterId,
        { reason: form.reason },
        { kind: "user", userId: user.id, ip: context.clientIp },
      );
      return { ok: `Spike #${clusterId} dismissed.` };
    }
    await requirePermission(request, context, "console.read");
    return data({ error: "Unknown action: reload the page and try again." }, { status: 400 });
  } catch (error) {
    if (isAppError(error)) {
      const fields =
        "fields" in error
          ? Object.values((error as { fields: Record<string, string> }).fields).join("; ")
          : "";
      return data(
        { error: fields ? `${error.message}: ${fields}` : error.message },
        { status: error.status },
      );
    }
    throw error;
  }
}

function defaultTitle(topicLabel: string, regionList: string[]) {
  const where = regionList.length > 4 ? `${regionList.length} regions` : regionList.join(", ");
  return `${topicLabel} in ${where}`;
}

export default function SpikesBoard() {
  const { clusters, incidents, complaintCount, regionCount, map, topics, may, mapboxToken } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as { ok?: string; error?: string } | undefined;
  const navigate = useNavigate();
  useLiveRevalidation((e) => e.type === "spikes" || e.type === "incident");
  return (
    <>
      <h1>Spikes</h1>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      {result?.ok ? <p className="notice">{result.ok}</p> : null}
      <section className="panel">
        <OutageMap
          regions={map.regions}
          scores={map.scores}
          height={320}
          mapboxToken={mapboxToken}
          onRegionClick={() => navigate("/spikes")}
        />
      </section>
      {clusters.length === 0 ? (
        <EmptyState title="No spikes right now">
          <p>
            A spike is complaint volume in one of your {regionCount} regions rising above its usual level for
            a topic.
            {complaintCount === 0
              ? " No complaints have arrived yet: connect a source or import a file first (Settings → API tokens)."
              : ` ${complaintCount.toLocaleString()} complaints are stored and nothing is unusual at the moment.`}
          </p>
        </EmptyState>
      ) : (
        <table data-testid="spike-board">
          <thead>
            <tr>
              <th>Spike</th>
              <th>Level</th>
              <th>Regions</th>
              <th>Detected</th>
              <th className="num">Peak / usual</th>
              <th>Incident</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {clusters.map((c) => {
              const topic = topics[c.topic];
              return (
                <tr key={c.id} data-testid="spike-row">
                  <td>
                    #{c.id} {topic?.label ?? c.topic}
                    {c.endedAt ? <span className="muted"> (ended)</span> : null}
                  </td>
                  <td>
                    <span className={`badge level-${c.level}`}>{c.level}</span>
                  </td>
                  <td>{c.regions.join(", ")}</td>
                  <td>{new Date(c.detectedAt).toLocaleString()}</td>
                  <td className="num">
                    {c.observed} / {c.expected}
                  </td>
                  <td>
                    {c.incidentId ? (
                      <Link to={`/incidents/${c.incidentId}`}>#{c.incidentId}</Link>
                    ) : c.suggestedIncidentId ? (
                      <span className="muted">suggested: #{c.suggestedIncidentId}</span>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>
                    {!c.incidentId && may.create ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="open" />
                        <input type="hidden" name="clusterId" value={c.id} />
                        <input
                          type="hidden"
                          name="title"
                          value={defaultTitle(topic?.label ?? c.topic, c.regions)}
                        />
                        <input type="hidden" name="severity" value={topic?.severityHint ?? "SEV3"} />
                        <button type="submit" className="primary">
                          Open incident
                        </button>
                      </Form>
                    ) : null}
                    {!c.incidentId && may.manage && incidents.length > 0 ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="link" />
                        <input type="hidden" name="clusterId" value={c.id} />
                        <select
                          name="incidentId"
                          aria-label="Incident"
                          defaultValue={c.suggestedIncidentId ?? incidents[0].id}
                        >
                          {incidents.map((i) => (
                            <option key={i.id} value={i.id}>
                              #{i.id} {i.title}
                            </option>
                          ))}
                        </select>
                        <button type="submit">Link</button>
                      </Form>
                    ) : null}
                    {!c.incidentId && may.triage ? (
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="dismiss" />
                        <input type="hidden" name="clusterId" value={c.id} />
                        <input
                          name="reason"
                          placeholder="Reason"
                          aria-label="Reason for dismissing"
                          required
                          minLength={3}
                        />
                        <button type="submit">Dismiss</button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
