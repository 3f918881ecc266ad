import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { can } from "~/domain/permissions";
import { exportTaxonomy, importTaxonomy, updateTopic } from "~/services/taxonomy.server";
import { emergingTermsFor } from "~/services/terms.server";
import { requirePermission } from "~/utils/auth.server";
import { ValidationError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";

export const meta: MetaFunction = () => [{ title: "Topics · Settings · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  const [taxonomy, emerging] = await Promise.all([
    exportTaxonomy(services.db, services.orgId),
    emergingTermsFor(services.db, services.orgId),
  ]);
  return { taxonomy, emerging, canEdit: can(user.role, "taxonomy.manage") };
}

/** Keywords are edited one per line (or comma-separated). */
function keywordList(value: unknown): string[] {
  return String(value ?? "")
    .split(/[\n,]/)
    .map((k) => k.trim())
    .filter(Boolean);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "taxonomy.manage");
  const form = await formObject(request);
  const actor = { kind: "user" as const, userId: user.id, ip: context.clientIp };
  try {
    if (form.intent === "add-topic") {
      const current = await exportTaxonomy(services.db, services.orgId);
      const slug = String(form.slug ?? "").trim();
      if (current.some((t) => t.slug === slug)) {
        return data({ error: "That topic exists", fields: { slug: "Choose another slug" } }, { status: 400 });
      }
      const other = current.filter((t) => t.slug === "other");
      await importTaxonomy(
        services.db,
        services.orgId,
        [
          ...current.filter((t) => t.slug !== "other"),
          { slug, label: String(form.label ?? ""), keywords: keywordList(form.keywords) },
          ...other,
        ],
        actor,
      );
      return { ok: `Topic “${slug}” added.`, fields: {} as Record<string, string> };
    }
    await updateTopic(
      services.db,
      services.orgId,
      String(form.slug ?? ""),
      { label: form.label, keywords: keywordList(form.keywords) },
      actor,
    );
    return {
      ok: `Topic “${form.slug}” saved. New complaints are classified with it from now on.`,
      fields: {} as Record<string, string>,
    };
  } catch (error) {
    if (error instanceof ValidationError)
      return data({ error: error.message, fields: error.fields }, { status: 400 });
    throw error;
  }
}

export default function Taxonomy() {
  const { taxonomy, emerging, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as
    | { ok?: string; error?: string; fields: Record<string, string> }
    | undefined;
  return (
    <>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}:{" "}
          {Object.entries(result.fields ?? {})
            .map(([k, v]) => `${k} — ${v}`)
            .join("; ")}
        </p>
      ) : null}
      {result?.ok ? <p className="notice">{result.ok}</p> : null}
      <section className="panel">
        <h2>Emerging terms (last hour)</h2>
        {emerging.length === 0 ? (
          <p className="muted">No term is bursting above its usual frequency right now.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Term</th>
                <th className="num">Last hour</th>
                <th className="num">Usual</th>
                <th className="num">Score</th>
              </tr>
            </thead>
            <tbody>
              {emerging.map((t) => (
                <tr key={t.term}>
                  <td>{t.term}</td>
                  <td className="num">{t.count}</td>
                  <td className="num">{t.expected.toFixed(1)}</td>
                  <td className="num">{t.score.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted">Candidates for a new topic: add one below with these words as keywords.</p>
      </section>
      {taxonomy.map((t) => (
        <section className="panel" key={t.slug}>
          <h2>
            {t.label} <code>{t.slug}</code>
          </h2>
          {canEdit ? (
            <Form method="post">
              <input type="hidden" name="slug" value={t.slug} />
              <label htmlFor={`label-${t.slug}`}>Label</label>
              <input id={`label-${t.slug}`} name="label" defaultValue={t.label} />
              <label htmlFor={`kw-${t.slug}`}>Keywords and phrases (one per line)</label>
              <textarea
                id={`kw-${t.slug}`}
                name="keywords"
                defaultValue={t.keywords.join("\n")}
                rows={Math.min(12, t.keywords.length + 1)}
              />
              <p>
                <button type="submit">Save {t.label}</button>
              </p>
            </Form>
          ) : (
            <p>{t.keywords.join(", ") || <span className="muted">No keywords (fallback topic)</span>}</p>
          )}
        </section>
      ))}
      {canEdit ? (
        <section className="panel">
          <h2>New topic</h2>
          <Form method="post">
            <input type="hidden" name="intent" value="add-topic" />
            <label htmlFor="new-slug">Slug</label>
            <input id="new-slug" name="slug" placeholder="e.g. water-quality" />
            <label htmlFor="new-label">Label</label>
            <input id="new-label" name="label" />
            <label htmlFor="new-keywords">Keywords and phrases (one per line)</label>
            <textarea id="new-keywords" name="keywords" />
            <p>
              <button type="submit" className="primary">
                Add topic
              </button>
            </p>
          </Form>
        </section>
      ) : null}
    </>
  );
}
