import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { SEVERITY_LABELS, STATE_LABELS } from "~/domain/incidents";
import { can } from "~/domain/permissions";
import { useLiveRevalidation } from "~/hooks/use-live";
import { createIncident, listIncidents } from "~/services/incidents.server";
import { requirePermission } from "~/utils/auth.server";
import { ConflictError, NotFoundError, ValidationError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import { SEVERITIES } from "~db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Incidents · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  return {
    incidents: await listIncidents(services.db, services.orgId, { limit: 100 }),
    canCreate: can(user.role, "incident.create"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "incident.create");
  const form = await formObject(request);
  try {
    const incident = await createIncident(
      services.db,
      services.orgId,
      {
        title: form.title as string,
        severity: form.severity as never,
        summary: (form.summary as string) ?? "",
        regions: String(form.regions ?? "")
          .split(/[\s,]+/)
          .map((r) => r.trim().toUpperCase())
          .filter(Boolean),
        fromClusterId: form.fromClusterId ? Number(form.fromClusterId) : null,
      },
      { kind: "user", userId: user.id, ip: context.clientIp },
    );
    return redirect(`/incidents/${incident.id}`);
  } catch (error) {
    if (error instanceof ValidationError)
      return data({ error: error.message, fields: error.fields }, { status: 400 });
    if (error instanceof ConflictError || error instanceof NotFoundError) {
      return data({ error: error.message, fields: {} as Record<string, string> }, { status: error.status });
    }
    throw error;
  }
}

export default function Incidents() {
  const { incidents, canCreate } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const fields = (result?.fields ?? {}) as Record<string, string>;
  useLiveRevalidation((e) => e.type === "incident" || e.type === "spikes");
  const open = incidents.filter((i) => i.state !== "resolved");
  const resolved = incidents.filter((i) => i.state === "resolved");
  return (
    <>
      <h1>Incidents</h1>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      {open.length === 0 ? (
        <EmptyState title="No open incidents">
          <p>
            Incidents are opened from a spike in complaints (see <a href="/spikes">Spikes</a>) or by an
            incident commander.{" "}
            {canCreate
              ? "Open one below when you know something is wrong."
              : "Commanders open them; you will see them here."}
          </p>
        </EmptyState>
      ) : (
        <IncidentTable rows={open} />
      )}
      {canCreate ? (
        <details className="panel" open={Boolean(result?.error)}>
          <summary>
            <strong>Open an incident</strong>
          </summary>
          <Form method="post">
            <label htmlFor="title">Title</label>
            <input id="title" name="title" placeholder="e.g. Power outage across the western service area" />
            {fields.title ? <div className="field-error">{fields.title}</div> : null}
            <label htmlFor="severity">Severity</label>
            <select id="severity" name="severity" defaultValue="SEV2">
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_LABELS[s]}
                </option>
              ))}
            </select>
            <label htmlFor="regions">Affected regions (codes, e.g. CA, NV)</label>
            <input id="regions" name="regions" />
            {fields.regions ? <div className="field-error">{fields.regions}</div> : null}
            <label htmlFor="summary">What we know</label>
            <textarea id="summary" name="summary" />
            <p>
              <button type="submit" className="primary">
                Open incident
              </button>
            </p>
          </Form>
        </details>
      ) : null}
      {resolved.length > 0 ? (
        <>
          <h2>Resolved</h2>
          <IncidentTable rows={resolved} />
        </>
      ) : null}
    </>
  );
}

function IncidentTable({ rows }: { rows: ReturnType<typeof useLoaderData<typeof loader>>["incidents"] }) {
  return (
    <table data-testid="incident-list">
      <thead>
        <tr>
          <th>Incident</th>
          <th>State</th>
          <th>Severity</th>
          <th>Regions</th>
          <th>Commander</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((i) => (
          <tr key={i.id}>
            <td>
              <Link to={`/incidents/${i.id}`}>
                #{i.id} {i.title}
              </Link>
            </td>
            <td>
              <span className={`badge state-${i.state}`}>{STATE_LABELS[i.state]}</span>
            </td>
            <td>
              <span className={`badge sev-${i.severity}`}>{i.severity}</span>
            </td>
            <td>{i.regions.join(", ") || "—"}</td>
            <td>{i.commander?.name ?? "—"}</td>
            <td>{new Date(i.startedAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
