import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { availableAdapters } from "~/channels/registry.server";
import type { ChannelField } from "~/channels/types";
import { CHANNEL_LABELS } from "~/domain/update-compose";
import { listChannels, saveChannel, setChannelEnabled, testChannel } from "~/services/channels.server";
import { requirePermission } from "~/utils/auth.server";
import { isAppError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import type { ChannelKind } from "~db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Channels · Settings · Clarion" }];

/** Outbound channels: connect each once (credentials sealed, never shown again), test, switch on and off. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = await requirePermission(request, context, "channel.manage");
  return {
    channels: await listChannels(services.db, services.secretBox, services.orgId),
    kinds: availableAdapters().map((a) => ({
      kind: a.kind,
      label: a.label,
      idempotent: a.idempotent,
      threads: a.threads,
      configFields: a.configFields,
      credentialFields: a.credentialFields,
    })),
  };
}

/** `config.baseUrl` → { config: { baseUrl } }; the same for `credentials.*`. */
function grouped(form: Record<string, string | string[]>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (key.startsWith(`${prefix}.`) && typeof value === "string") out[key.slice(prefix.length + 1)] = value;
  }
  return out;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "channel.manage");
  const form = await formObject(request);
  const actor = { kind: "user" as const, userId: user.id, ip: context.clientIp };
  const intent = String(form.intent ?? "");
  try {
    if (intent === "save") {
      const saved = await saveChannel(
        services.db,
        services.secretBox,
        services.orgId,
        {
          id: form.id ? Number(form.id) : undefined,
          kind: form.kind as ChannelKind,
          name: String(form.name ?? ""),
          enabled: form.enabled === "on",
          config: grouped(form, "config"),
          credentials: grouped(form, "credentials"),
        },
        actor,
      );
      return {
        ok: `“${saved.name}” saved.`,
        secret: saved.generatedSecret,
        fields: {} as Record<string, string>,
      };
    }
    if (intent === "toggle") {
      await setChannelEnabled(services.db, services.orgId, Number(form.id), form.enabled === "true", actor);
      return { ok: form.enabled === "true" ? "Switched on." : "Switched off.", fields: {} };
    }
    if (intent === "test") {
      const result = await testChannel(
        services.db,
        services.secretBox,
        services.orgId,
        Number(form.id),
        { to: typeof form.to === "string" ? form.to : undefined, publicUrl: services.publicUrl() },
        actor,
      );
      return result.ok
        ? { ok: `Test passed: ${result.message}`, fields: {} }
        : data({ error: `Test failed: ${result.message}`, fields: {} }, { status: 200 });
    }
    return data({ error: "Unknown action: reload the page.", fields: {} }, { status: 400 });
  } catch (error) {
    if (isAppError(error)) {
      const fields = "fields" in error ? (error as { fields: Record<string, string> }).fields : {};
      return data({ error: error.message, fields }, { status: error.status });
    }
    throw error;
  }
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

function Field({
  field,
  prefix,
  value,
  isSet,
  error,
}: {
  field: ChannelField;
  prefix: string;
  value?: string;
  isSet?: boolean;
  error?: string;
}) {
  const id = `${prefix}-${field.name}`;
  const secret = field.type === "secret";
  return (
    <div>
      <label htmlFor={id}>
        {field.label}
        {field.required ? "" : " (optional)"}
      </label>
      {field.type === "textarea" ? (
        <textarea id={id} name={`${prefix}.${field.name}`} defaultValue={value} rows={3} />
      ) : (
        <input
          id={id}
          name={`${prefix}.${field.name}`}
          type={secret ? "password" : field.type === "number" ? "number" : field.type}
          autoComplete={secret ? "new-password" : "off"}
          defaultValue={secret ? "" : (value ?? field.defaultValue ?? "")}
          placeholder={secret && isSet ? "•••••• stored — leave empty to keep" : field.placeholder}
        />
      )}
      {field.help ? <div className="muted small">{field.help}</div> : null}
      {error ? <div className="field-error">{error}</div> : null}
    </div>
  );
}

function ChannelForm({
  kind,
  channel,
  fields,
}: {
  kind: Loaded["kinds"][number];
  channel?: Loaded["channels"][number];
  fields: Record<string, string>;
}) {
  const navigation = useNavigation();
  return (
    <Form method="post" className="channel-form">
      <input type="hidden" name="intent" value="save" />
      <input type="hidden" name="kind" value={kind.kind} />
      {channel ? <input type="hidden" name="id" value={channel.id} /> : null}
      <label htmlFor={`name-${channel?.id ?? kind.kind}`}>Name</label>
      <input
        id={`name-${channel?.id ?? kind.kind}`}
        name="name"
        defaultValue={channel?.name ?? kind.label}
        required
      />
      {fields.name ? <div className="field-error">{fields.name}</div> : null}
      {kind.configFields.map((f) => (
        <Field
          key={f.name}
          field={f}
          prefix="config"
          value={channel ? String(channel.config[f.name] ?? "") : undefined}
          error={fields[`config.${f.name}`]}
        />
      ))}
      {kind.credentialFields.map((f) => (
        <Field
          key={f.name}
          field={f}
          prefix="credentials"
          isSet={channel?.credentialsSet.includes(f.name)}
          error={fields[`credentials.${f.name}`]}
        />
      ))}
      <label>
        <input type="checkbox" name="enabled" defaultChecked={channel?.enabled ?? true} /> Publish approved
        updates here
      </label>
      <p>
        <button type="submit" className="primary" disabled={navigation.state !== "idle"}>
          {channel ? "Save" : `Connect ${kind.label}`}
        </button>
      </p>
    </Form>
  );
}

export default function Channels() {
  const { channels, kinds } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as
    | { ok?: string; error?: string; secret?: string | null; fields: Record<string, string> }
    | undefined;
  const [adding, setAdding] = useState<string>("");
  const kindOf = (k: string) => kinds.find((x) => x.kind === k);
  const fields = result?.fields ?? {};
  return (
    <>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error} {Object.values(fields).join(" ")}
        </p>
      ) : null}
      {result?.ok ? <p className="notice">{result.ok}</p> : null}
      {result?.secret ? (
        <section className="panel">
          <p>
            Signing secret (Standard Webhooks), shown only now — give it to the receiver so it can verify us:
          </p>
          <p className="secret" data-testid="channel-secret">
            {result.secret}
          </p>
        </section>
      ) : null}
      <section className="panel">
        <h2>Outbound channels</h2>
        <p className="muted">
          Approved updates go to every channel that is switched on, each in its own format. Credentials are
          encrypted with the app key and never shown again.
        </p>
        <table data-testid="channels">
          <thead>
            <tr>
              <th>Channel</th>
              <th>Kind</th>
              <th>State</th>
              <th>Last test</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {channels.map((c) => {
              const kind = kindOf(c.kind);
              return (
                <tr key={c.id} data-testid="channel-row" data-kind={c.kind}>
                  <td>{c.name}</td>
                  <td>
                    {CHANNEL_LABELS[c.kind]}
                    {kind?.idempotent ? <span className="muted small"> · deduplicated</span> : null}
                  </td>
                  <td>
                    {c.enabled ? "on" : "off"}
                    {c.blockedUntil && new Date(c.blockedUntil) > new Date() ? (
                      <div className="muted small">
                        rate-limited until {new Date(c.blockedUntil).toISOString().slice(11, 19)} UTC
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {c.lastTest ? (
                      <span className={c.lastTest.ok ? "ok" : "error"}>
                        {c.lastTest.ok ? "passed" : "failed"} · {c.lastTest.message}
                      </span>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  <td>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="id" value={c.id} />
                      {c.kind === "email" || c.kind === "sms" ? (
                        <input
                          name="to"
                          placeholder={c.kind === "email" ? "send test to…" : "+1… test number"}
                          aria-label="Send the test to"
                        />
                      ) : null}
                      <button type="submit" name="intent" value="test">
                        Send test
                      </button>
                      <input type="hidden" name="enabled" value={String(!c.enabled)} />
                      {c.kind !== "status_page" ? (
                        <button type="submit" name="intent" value="toggle">
                          {c.enabled ? "Switch off" : "Switch on"}
                        </button>
                      ) : null}
                    </Form>
                    {kind && (kind.configFields.length > 0 || kind.credentialFields.length > 0) ? (
                      <details>
                        <summary>Settings</summary>
                        <ChannelForm kind={kind} channel={c} fields={fields} />
                      </details>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>Connect a channel</h2>
        <label htmlFor="new-kind">Kind</label>
        <select id="new-kind" value={adding} onChange={(e) => setAdding(e.target.value)}>
          <option value="">Choose…</option>
          {kinds
            .filter((k) => k.kind !== "status_page")
            .map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
        </select>
        {adding && kindOf(adding) ? (
          <ChannelForm key={adding} kind={kindOf(adding)!} fields={fields} />
        ) : null}
        <noscript>
          <p className="muted">Choosing a kind needs JavaScript; every other setting works without it.</p>
        </noscript>
      </section>
    </>
  );
}
