import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData, useNavigate } from "@remix-run/react";
import { IncidentUpdates, StateBadge, StatusMap, Time } from "~/components/status-page";
import { type MessageKey, t } from "~/locales";
import { publicStatus, statusVersion } from "~/services/status-page.server";
import {
  cachedPageHeaders,
  publicCacheHeaders,
  throwIfNotModified,
  weakEtag,
} from "~/utils/http-cache.server";
import { servicesOf } from "~/utils/request.server";

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: t("page.title", { org: d?.org ?? "" }) },
  { name: "description", content: t("feed.description", { org: d?.org ?? "" }) },
];

export const headers: HeadersFunction = cachedPageHeaders;

/** Public, no sign-in, cached: a revalidation with a current ETag costs one small query and a 304. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, orgId } = servicesOf(context);
  const url = new URL(request.url);
  const version = await statusVersion(db, orgId);
  const etag = weakEtag("status", version, url.search);
  throwIfNotModified(request, etag);
  const status = await publicStatus(db, orgId, version);
  const wanted = url.searchParams.get("region")?.toUpperCase() ?? null;
  const selected = status.regions.find((r) => r.code === wanted)?.code ?? null;
  return data({ ...status, selected }, { headers: publicCacheHeaders(etag) });
}

export default function StatusPage() {
  const s = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const affected = s.regions.filter((r) => r.state !== "operational");
  const selected = s.regions.find((r) => r.code === s.selected) ?? null;
  const select = (code: string | null) =>
    navigate(code ? `/status?region=${code}#region-status` : "/status", { preventScrollReset: true });
  return (
    <>
      <h1>{t("page.title", { org: s.org })}</h1>
      <section
        className={`banner banner-${s.level}`}
        aria-labelledby="banner"
        data-testid="status-banner"
        data-level={s.level}
      >
        <h2 id="banner">{t(`banner.${s.level}` as MessageKey)}</h2>
        {s.open.length ? <p>{t("banner.incidents", { count: s.open.length })}</p> : null}
      </section>

      <section aria-labelledby="region-status" className="panel">
        <h2 id="region-status">{t("regions.heading")}</h2>
        <Form method="get" className="inline-form">
          <label htmlFor="region">{t("regions.find")}</label>
          <select id="region" name="region" defaultValue={s.selected ?? ""}>
            <option value="">{t("regions.any")}</option>
            {s.regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}
              </option>
            ))}
          </select>
          <button type="submit">{t("regions.show")}</button>
        </Form>
        {selected ? (
          <p className="region-answer" data-testid="region-answer" role="status">
            <strong>
              {t("regions.yours", {
                region: selected.name,
                state: t(`state.${selected.state}` as MessageKey),
              })}
            </strong>
          </p>
        ) : null}
        <StatusMap states={s.regions} selected={s.selected} onSelect={select} />
        <h3>{t("regions.affected")}</h3>
        {affected.length === 0 ? (
          <p data-testid="no-affected-regions">{t("regions.none")}</p>
        ) : (
          <ul className="region-list" data-testid="affected-regions">
            {affected.map((r) => (
              <li key={r.code} data-region={r.code}>
                <span>{r.name}</span> <StateBadge state={r.state} />
              </li>
            ))}
          </ul>
        )}
        <details>
          <summary>{t("regions.all", { count: s.regions.length })}</summary>
          <ul className="region-list region-list-all">
            {s.regions.map((r) => (
              <li key={r.code}>
                <span>{r.name}</span> <StateBadge state={r.state} />
              </li>
            ))}
          </ul>
        </details>
      </section>

      <section aria-labelledby="components" className="panel">
        <h2 id="components">{t("components.heading")}</h2>
        {s.components.length === 0 ? (
          <p className="muted">{t("components.none")}</p>
        ) : (
          <ul className="component-list" data-testid="components">
            {s.components.map((c) => (
              <li key={c.id} data-component={c.name}>
                <span>
                  <strong>{c.name}</strong>
                  {c.description ? <span className="muted"> — {c.description}</span> : null}
                </span>
                <StateBadge state={c.status} kind="component" />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="open-incidents">
        <h2 id="open-incidents">{t("incidents.heading")}</h2>
        {s.open.length === 0 ? (
          <p className="panel">{t("incidents.none")}</p>
        ) : (
          s.open.map((incident) => <IncidentUpdates key={incident.id} incident={incident} />)
        )}
      </section>

      <section aria-labelledby="maintenance" className="panel" data-testid="maintenance">
        <h2 id="maintenance">{t("maintenance.heading")}</h2>
        {s.maintenance.length === 0 ? (
          <p className="muted">{t("maintenance.none")}</p>
        ) : (
          <ul className="maintenance-list">
            {s.maintenance.map((m) => (
              <li key={m.id} data-state={m.state}>
                <strong>{m.title}</strong>{" "}
                <span className={`badge badge-${m.state === "in_progress" ? "maintenance" : "scheduled"}`}>
                  {t(`maintenance.${m.state}` as MessageKey)}
                </span>
                <br />
                <Time at={m.startsAt} /> – <Time at={m.endsAt} />
                {m.description ? <p>{m.description}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="history" className="panel" data-testid="history">
        <h2 id="history">{t("history.heading")}</h2>
        {s.history.length === 0 ? (
          <p className="muted">{t("history.none")}</p>
        ) : (
          <>
            <ul className="history">
              {s.history.map((day) => (
                <li key={day.date}>
                  <h3>
                    <time dateTime={day.date}>{day.date}</time>
                  </h3>
                  <ul>
                    {day.incidents.map((i) => (
                      <li key={`i${i.id}`}>
                        <a href={`/status/incidents/${i.id}`}>{i.title}</a> <StateBadge state={i.state} />
                      </li>
                    ))}
                    {day.maintenance.map((m) => (
                      <li key={`m${m.id}`}>
                        {m.title}{" "}
                        <span className="badge badge-maintenance">{t("maintenance.completed")}</span>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
            <p className="muted">{t("history.quiet")}</p>
          </>
        )}
      </section>
    </>
  );
}
