import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { createSource, listSources } from "~/services/sources.server";
import { requirePermission } from "~/utils/auth.server";
import { ValidationError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import { SOURCE_MAPPERS } from "~db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Sources · Settings · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "source.manage");
  return { sources: await listSources(services.db, services.orgId) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "source.manage");
  const form = await formObject(request);
  try {
    const created = await createSource(services.db, services.secretBox, services.orgId, form as never, {
      kind: "user",
      userId: user.id,
      ip: context.clientIp,
    });
    return {
      ok: `Source “${created.source.name}” created.`,
      secret: created.secret,
      endpoint: `/api/v1/sources/${created.source.id}/webhook`,
      fields: {} as Record<string, string>,
    };
  } catch (error) {
    if (error instanceof ValidationError)
      return data({ error: error.message, fields: error.fields }, { status: 400 });
    throw error;
  }
}

const MAPPER_LABELS: Record<string, string> = {
  complaint: "Clarion complaint record",
  x: "X API v2 post",
  mastodon: "Mastodon status",
  bluesky: "Bluesky post / Jetstream event",
  facebook: "Facebook Page feed webhook",
  zendesk: "Zendesk ticket",
};

export default function Sources() {
  const { sources } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as
    | { ok?: string; error?: string; secret?: string; endpoint?: string; fields: Record<string, string> }
    | undefined;
  const fields = result?.fields ?? {};
  return (
    <>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      {result?.secret ? (
        <section className="panel" data-testid="new-source">
          <p className="notice">{result.ok}</p>
          <p>
            Webhook endpoint: <code>{result.endpoint}</code>
          </p>
          <p>Signing secret (Standard Webhooks), shown only now — copy it into the sender:</p>
          <p className="secret" data-testid="source-secret">
            {result.secret}
          </p>
        </section>
      ) : null}
      <section className="panel">
        <h2>Inbound sources</h2>
        {sources.length === 0 ? (
          <p className="muted">
            No webhook sources yet. The API (<code>POST /api/v1/complaints</code>) and CLI import need none;
            create a source for each system that pushes posts or tickets to Clarion.
          </p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Format</th>
                <th>Endpoint</th>
                <th className="num">Accepted</th>
                <th className="num">Duplicates</th>
                <th className="num">Rejected</th>
                <th>Last received</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>{MAPPER_LABELS[s.mapper] ?? s.mapper}</td>
                  <td>
                    <code>/api/v1/sources/{s.id}/webhook</code>
                  </td>
                  <td className="num">{s.acceptedCount.toLocaleString()}</td>
                  <td className="num">{s.duplicateCount.toLocaleString()}</td>
                  <td className="num">{s.rejectedCount.toLocaleString()}</td>
                  <td>{s.lastReceivedAt ? new Date(s.lastReceivedAt).toLocaleString() : "never"}</td>
                  <td>
                    {s.lastError ? `${s.lastError} (${new Date(s.lastErrorAt!).toLocaleString()})` : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>New source</h2>
        <Form method="post">
          <label htmlFor="source-name">Name (written into each complaint's source)</label>
          <input id="source-name" name="name" placeholder="e.g. x, zendesk, mastodon" />
          {fields.name ? <div className="field-error">{fields.name}</div> : null}
          <label htmlFor="source-mapper">Payload format</label>
          <select id="source-mapper" name="mapper" defaultValue="complaint">
            {SOURCE_MAPPERS.map((m) => (
              <option key={m} value={m}>
                {MAPPER_LABELS[m] ?? m}
              </option>
            ))}
          </select>
          {fields.mapper ? <div className="field-error">{fields.mapper}</div> : null}
          <p>
            <button type="submit" className="primary">
              Create source
            </button>
          </p>
        </Form>
      </section>
    </>
  );
}
