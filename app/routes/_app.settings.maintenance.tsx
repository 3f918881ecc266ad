import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { SubscriptionChoices } from "~/components/subscription-choices";
import { formatUtc } from "~/domain/status/public-status";
import { cancelMaintenance, createMaintenance, listMaintenance } from "~/services/maintenance.server";
import { subscribeOptions } from "~/services/subscribers.server";
import { requirePermission } from "~/utils/auth.server";
import { NotFoundError, ValidationError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Maintenance · Settings · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "maintenance.manage");
  const [windows, options] = await Promise.all([
    listMaintenance(services.db, services.orgId),
    subscribeOptions(services.db, services.orgId),
  ]);
  return {
    windows: windows.map((w) => ({
      id: w.id,
      title: w.title,
      state: w.state,
      regions: w.regions,
      startsAt: w.startsAt.toISOString(),
      endsAt: w.endsAt.toISOString(),
      notifiedAt: w.notifiedAt?.toISOString() ?? null,
    })),
    regions: options.regions,
    components: options.components,
  };
}

type Result = { ok?: string; error?: string; fields: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "maintenance.manage");
  const form = await formObject(request);
  const actor = { kind: "user" as const, userId: user.id, ip: context.clientIp };
  try {
    if (form.intent === "cancel") {
      const done = await cancelMaintenance(services.db, services.orgId, Number(form.id), actor);
      return data<Result>({ ok: `“${done.title}” is ${done.state}.`, fields: {} });
    }
    const created = await createMaintenance(services.db, services.orgId, form, actor);
    return data<Result>({ ok: `“${created.title}” is scheduled.`, fields: {} });
  } catch (error) {
    if (error instanceof ValidationError)
      return data<Result>({ error: error.message, fields: error.fields }, { status: 400 });
    if (error instanceof NotFoundError)
      return data<Result>({ error: error.message, fields: {} }, { status: 404 });
    throw error;
  }
}

export default function MaintenanceSettings() {
  const { windows, regions, components } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as Result | undefined;
  const fields = result?.fields ?? {};
  return (
    <>
      {result?.ok ? (
        <p className="notice" role="status">
          {result.ok}
        </p>
      ) : null}
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      <section className="panel">
        <h2>Maintenance windows</h2>
        {windows.length === 0 ? (
          <p className="muted">
            None scheduled. Windows show on the public status page and notify subscribers.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Title</th>
                <th>When (UTC)</th>
                <th>Regions</th>
                <th>State</th>
                <th>Subscribers notified</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {windows.map((w) => (
                <tr key={w.id} data-testid="maintenance-row">
                  <td>{w.title}</td>
                  <td>
                    {formatUtc(w.startsAt)} – {formatUtc(w.endsAt)}
                  </td>
                  <td>{w.regions.join(", ") || "all"}</td>
                  <td>{w.state.replace("_", " ")}</td>
                  <td>{w.notifiedAt ? formatUtc(w.notifiedAt) : "not yet"}</td>
                  <td>
                    {w.state === "scheduled" || w.state === "in_progress" ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="cancel" />
                        <input type="hidden" name="id" value={w.id} />
                        <button type="submit">{w.state === "scheduled" ? "Cancel" : "End now"}</button>
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>Schedule maintenance</h2>
        <Form method="post">
          <input type="hidden" name="intent" value="create" />
          <label htmlFor="m-title">Title (public)</label>
          <input id="m-title" name="title" />
          {fields.title ? <div className="field-error">{fields.title}</div> : null}
          <label htmlFor="m-description">Description (public)</label>
          <textarea id="m-description" name="description" />
          <label htmlFor="m-start">Starts (UTC)</label>
          <input id="m-start" name="startsAt" type="datetime-local" />
          {fields.startsAt ? <div className="field-error">{fields.startsAt}</div> : null}
          <label htmlFor="m-end">Ends (UTC)</label>
          <input id="m-end" name="endsAt" type="datetime-local" />
          {fields.endsAt ? <div className="field-error">{fields.endsAt}</div> : null}
          <label htmlFor="m-notify">Notify subscribers this many minutes before the start</label>
          <input
            id="m-notify"
            name="notifyMinutesBefore"
            type="number"
            min={0}
            max={10080}
            defaultValue={60}
          />
          {fields.notifyMinutesBefore ? (
            <div className="field-error">{fields.notifyMinutesBefore}</div>
          ) : null}
          <SubscriptionChoices regions={regions} components={components} errors={fields} />
          <p>
            <button type="submit" className="primary">
              Schedule
            </button>
          </p>
        </Form>
      </section>
    </>
  );
}
