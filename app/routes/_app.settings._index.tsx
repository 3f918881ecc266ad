import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { asc, eq } from "drizzle-orm";
import { can, ROLE_LABELS } from "~/domain/permissions";
import { createApiToken, listApiTokens, revokeApiToken } from "~/services/tokens.server";
import { listUsers, upsertUser } from "~/services/users.server";
import { requirePermission } from "~/utils/auth.server";
import { ValidationError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import { regions, topics } from "~db/schema";
import { ROLES } from "~db/schema/enums";

export const meta: MetaFunction = () => [{ title: "Settings · Clarion" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  const { db, orgId } = services;
  const canManageUsers = can(user.role, "user.manage");
  const canManageTokens = can(user.role, "token.manage");
  const [userList, tokenList, regionList, topicList] = await Promise.all([
    canManageUsers ? listUsers(db, orgId) : Promise.resolve([]),
    canManageTokens ? listApiTokens(db, orgId) : Promise.resolve([]),
    db
      .select({ code: regions.code, name: regions.name, neighbours: regions.neighbours })
      .from(regions)
      .where(eq(regions.orgId, orgId))
      .orderBy(asc(regions.code)),
    db
      .select({ slug: topics.slug, label: topics.label, keywords: topics.keywords })
      .from(topics)
      .where(eq(topics.orgId, orgId))
      .orderBy(asc(topics.position)),
  ]);
  return {
    canManageUsers,
    canManageTokens,
    users: userList.map(({ id, email, name, role }) => ({ id, email, name, role })),
    tokens: tokenList,
    regions: regionList,
    topics: topicList.map((t) => ({ slug: t.slug, label: t.label, keywordCount: t.keywords.length })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await formObject(request);
  const intent = form.intent;
  if (intent === "add-user") {
    const { user, services } = await requirePermission(request, context, "user.manage");
    try {
      const result = await upsertUser(
        services.db,
        services.orgId,
        { email: String(form.email ?? ""), password: String(form.password ?? ""), role: form.role as never },
        { kind: "user", userId: user.id, ip: context.clientIp },
      );
      return { intent, ok: `${result.created ? "Added" : "Updated"} ${result.user.email}.`, fields: {} };
    } catch (error) {
      if (error instanceof ValidationError)
        return data({ intent, error: error.message, fields: error.fields }, { status: 400 });
      throw error;
    }
  }
  if (intent === "create-token") {
    const { user, services } = await requirePermission(request, context, "token.manage");
    try {
      const created = await createApiToken(
        services.db,
        services.orgId,
        { name: form.name },
        {
          kind: "user",
          userId: user.id,
          ip: context.clientIp,
        },
      );
      return { intent, token: created.token, ok: `Token “${created.name}” created.`, fields: {} };
    } catch (error) {
      if (error instanceof ValidationError)
        return data({ intent, error: error.message, fields: error.fields }, { status: 400 });
      throw error;
    }
  }
  if (intent === "revoke-token") {
    const { user, services } = await requirePermission(request, context, "token.manage");
    const id = Number(form.id);
    if (!Number.isInteger(id))
      return data({ intent, error: "Which token? The form had no valid id.", fields: {} }, { status: 400 });
    await revokeApiToken(services.db, services.orgId, id, {
      kind: "user",
      userId: user.id,
      ip: context.clientIp,
    });
    return { intent, ok: "Token revoked.", fields: {} };
  }
  await requirePermission(request, context, "console.read");
  return data(
    { intent, error: "Unknown action: reload the page and try again.", fields: {} },
    { status: 400 },
  );
}

type ActionResult = {
  intent?: unknown;
  ok?: string;
  error?: string;
  token?: string;
  fields: Record<string, string>;
};

export default function Settings() {
  const { canManageUsers, canManageTokens, users, tokens, regions, topics } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const fields = result?.fields ?? {};
  return (
    <>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      {result?.ok ? <p className="notice">{result.ok}</p> : null}

      {canManageUsers ? (
        <section className="panel">
          <h2>People</h2>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{ROLE_LABELS[u.role]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Form method="post">
            <input type="hidden" name="intent" value="add-user" />
            <label htmlFor="new-email">Email</label>
            <input id="new-email" name="email" type="email" />
            {fields.email ? <div className="field-error">{fields.email}</div> : null}
            <label htmlFor="new-password">Password</label>
            <input id="new-password" name="password" type="password" autoComplete="new-password" />
            {fields.password ? <div className="field-error">{fields.password}</div> : null}
            <label htmlFor="new-role">Role</label>
            <select id="new-role" name="role" defaultValue="viewer">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
            {fields.role ? <div className="field-error">{fields.role}</div> : null}
            <p>
              <button type="submit">Add or update person</button>
            </p>
          </Form>
        </section>
      ) : null}

      {canManageTokens ? (
        <section className="panel">
          <h2>API tokens</h2>
          <p className="muted">
            For integrations calling <code>/api/v1</code> with <code>Authorization: Bearer …</code>.
          </p>
          {result?.token ? (
            <div>
              <p>Copy this token now; it will not be shown again:</p>
              <p className="secret" data-testid="new-token">
                {result.token}
              </p>
            </div>
          ) : null}
          {tokens.length > 0 ? (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Starts with</th>
                  <th>Last used</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>
                      <code>{t.prefix}…</code>
                    </td>
                    <td>{t.revokedAt ? "revoked" : (t.lastUsedAt ?? "never")}</td>
                    <td>
                      {t.revokedAt ? null : (
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke-token" />
                          <input type="hidden" name="id" value={t.id} />
                          <button type="submit">Revoke</button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="create-token" />
            <label htmlFor="token-name">Token name</label>
            <input id="token-name" name="name" placeholder="e.g. Zendesk bridge" />
            {fields.name ? <div className="field-error">{fields.name}</div> : null}
            <p>
              <button type="submit">Create token</button>
            </p>
          </Form>
        </section>
      ) : null}

      <section className="panel">
        <h2>Regions ({regions.length})</h2>
        <p className="muted">
          Complaints are placed in these regions; neighbours (shared borders) join spikes into clusters.
        </p>
        <p>{regions.map((r) => r.code).join(" · ")}</p>
      </section>

      <section className="panel">
        <h2>Topics ({topics.length})</h2>
        <table>
          <thead>
            <tr>
              <th>Slug</th>
              <th>Label</th>
              <th>Keywords</th>
            </tr>
          </thead>
          <tbody>
            {topics.map((t) => (
              <tr key={t.slug}>
                <td>
                  <code>{t.slug}</code>
                </td>
                <td>{t.label}</td>
                <td>{t.keywordCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
