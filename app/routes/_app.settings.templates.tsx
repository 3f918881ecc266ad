import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { PLACEHOLDERS } from "~/domain/templates";
import { exportTaxonomy } from "~/services/taxonomy.server";
import { archiveTemplate, listTemplates, saveTemplate } from "~/services/templates.server";
import { approvalPolicy, setApprovalPolicy } from "~/services/updates.server";
import { requireAnyPermission, requirePermission } from "~/utils/auth.server";
import { isAppError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import { SEVERITIES, UPDATE_KINDS } from "~db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Templates · Settings · Clarion" }];

const KIND_LABELS = { holding: "Holding statement", update: "Update", resolution: "Resolution" } as const;

/** Update templates (comms, commanders) and the approval rule per severity (admins). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, services } = await requireAnyPermission(request, context, ["update.draft", "user.manage"]);
  const [templates, policy, topics] = await Promise.all([
    listTemplates(services.db, services.orgId),
    approvalPolicy(services.db, services.orgId),
    exportTaxonomy(services.db, services.orgId),
  ]);
  return {
    templates: templates.map((t) => ({
      ...t,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    })),
    policy,
    topics: topics.map((t) => ({ slug: t.slug, label: t.label })),
    mayEditPolicy: can(user.role, "user.manage"),
    mayEditTemplates: can(user.role, "update.draft"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await formObject(request);
  const intent = String(form.intent ?? "");
  const { user, services } =
    intent === "policy"
      ? await requirePermission(request, context, "user.manage")
      : await requirePermission(request, context, "update.draft");
  const actor = { kind: "user" as const, userId: user.id, ip: context.clientIp };
  try {
    if (intent === "policy") {
      await setApprovalPolicy(
        services.db,
        services.orgId,
        Object.fromEntries(SEVERITIES.map((s) => [s, form[`distinct.${s}`] === "on"])),
        actor,
      );
      return { ok: "Approval rules saved.", fields: {} as Record<string, string> };
    }
    if (intent === "archive") {
      await archiveTemplate(services.db, services.orgId, Number(form.id), actor);
      return { ok: "Template archived.", fields: {} };
    }
    if (intent === "save") {
      const saved = await saveTemplate(
        services.db,
        services.orgId,
        {
          id: form.id ? Number(form.id) : undefined,
          name: form.name as string,
          kind: form.kind as (typeof UPDATE_KINDS)[number],
          topicSlug: form.topicSlug as string,
          severity: form.severity as "",
          title: (form.title as string) ?? "",
          body: form.body as string,
        },
        actor,
      );
      return { ok: `“${saved.name}” saved.`, fields: {} };
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

function TemplateForm({ t, topics }: { t?: Loaded["templates"][number]; topics: Loaded["topics"] }) {
  const id = t?.id ?? "new";
  return (
    <Form method="post" className="template-form">
      <input type="hidden" name="intent" value="save" />
      {t ? <input type="hidden" name="id" value={t.id} /> : null}
      <div className="row">
        <label>
          Name
          <input name="name" defaultValue={t?.name} required aria-label="Template name" id={`tname-${id}`} />
        </label>
        <label>
          Kind
          <select name="kind" defaultValue={t?.kind ?? "holding"}>
            {UPDATE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Topic
          <select name="topicSlug" defaultValue={t?.topicSlug ?? ""}>
            <option value="">any</option>
            {topics.map((x) => (
              <option key={x.slug} value={x.slug}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select name="severity" defaultValue={t?.severity ?? ""}>
            <option value="">any</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        Headline (optional)
        <input name="title" defaultValue={t?.title} maxLength={140} />
      </label>
      <label>
        Text
        <textarea name="body" defaultValue={t?.body} rows={4} required aria-label="Template text" />
      </label>
      <button type="submit" className="primary">
        {t ? "Save" : "Add template"}
      </button>
    </Form>
  );
}

export default function Templates() {
  const { templates, policy, topics, mayEditPolicy, mayEditTemplates } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as
    | { ok?: string; error?: string; fields: Record<string, string> }
    | undefined;
  return (
    <>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error} {Object.values(result.fields ?? {}).join(" ")}
        </p>
      ) : null}
      {result?.ok ? <p className="notice">{result.ok}</p> : null}
      <section className="panel">
        <h2>Approval</h2>
        <p className="muted">
          Every update is approved before it goes out. Per severity, must the approver be someone other than
          the author?
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="policy" />
          {SEVERITIES.map((s) => (
            <label key={s} className="inline">
              <input
                type="checkbox"
                name={`distinct.${s}`}
                defaultChecked={policy[s].distinctApprover}
                disabled={!mayEditPolicy}
              />{" "}
              {s}: a second person approves
            </label>
          ))}
          {mayEditPolicy ? <button type="submit">Save approval rules</button> : null}
        </Form>
      </section>
      <section className="panel">
        <h2>Update templates</h2>
        <p className="muted">
          Placeholders, filled when an update is published: {PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}
        </p>
        <ul className="templates" data-testid="templates">
          {templates.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong>{" "}
              <span className="muted">
                {KIND_LABELS[t.kind]}
                {t.topicSlug ? ` · ${t.topicSlug}` : ""}
                {t.severity ? ` · ${t.severity}` : ""}
              </span>
              <p>{t.body}</p>
              {mayEditTemplates ? (
                <details>
                  <summary>Edit</summary>
                  <TemplateForm t={t} topics={topics} />
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="archive" />
                    <input type="hidden" name="id" value={t.id} />
                    <button type="submit">Archive</button>
                  </Form>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
        {mayEditTemplates ? (
          <>
            <h3>New template</h3>
            <TemplateForm topics={topics} />
          </>
        ) : null}
      </section>
    </>
  );
}
