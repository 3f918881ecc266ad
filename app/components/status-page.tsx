import { useEffect, useState } from "react";
import { OutageMap } from "~/components/outage-map";
import type { RegionState } from "~/domain/status/public-status";
import { formatUtc, REGION_STATE_RANK } from "~/domain/status/public-status";
import { type MessageKey, t } from "~/locales";

/**
 * Presentational parts of the public status pages. Everything renders on the server and works without
 * JavaScript; the map is the only enhancement, and the region list says the same thing in text.
 */

export function Time({ at }: { at: string }) {
  return <time dateTime={at}>{formatUtc(at)}</time>;
}

export function StateBadge({ state, kind = "state" }: { state: string; kind?: "state" | "component" }) {
  return (
    <span className={`badge badge-${state}`} data-state={state}>
      {t(`${kind}.${state}` as MessageKey)}
    </span>
  );
}

export interface IncidentView {
  id: number;
  title: string;
  state: string;
  regions: string[];
  startedAt: string;
  nextUpdateAt: string | null;
  updates: {
    number: number;
    kind: string;
    title: string;
    body: string;
    state: string;
    publishedAt: string;
  }[];
}

/** An incident and its published updates, newest first; each update is anchored `#update-N`. */
export function IncidentUpdates({
  incident,
  regionNames,
  headingLevel = 3,
  link = true,
}: {
  incident: IncidentView;
  regionNames?: string[];
  headingLevel?: 2 | 3;
  link?: boolean;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const UpdateHeading = headingLevel === 2 ? "h3" : "h4";
  return (
    <article
      className="panel incident"
      aria-labelledby={`incident-${incident.id}-title`}
      data-testid="public-incident"
    >
      <Heading id={`incident-${incident.id}-title`}>
        {link ? <a href={`/status/incidents/${incident.id}`}>{incident.title}</a> : incident.title}{" "}
        <StateBadge state={incident.state} />
      </Heading>
      {incident.regions.length ? (
        <p className="muted">
          {t("incidents.affects", { regions: (regionNames ?? incident.regions).join(", ") })}
        </p>
      ) : null}
      {incident.nextUpdateAt ? (
        <p>
          <strong>
            {t("incidents.next", { time: "" })}
            <Time at={incident.nextUpdateAt} />
          </strong>
        </p>
      ) : null}
      <ol className="updates" reversed>
        {incident.updates.map((u) => (
          <li key={u.number} id={`update-${u.number}`}>
            <UpdateHeading>
              {t(`update.kind.${u.kind}` as MessageKey)}
              {u.title && u.title !== incident.title ? `: ${u.title}` : ""}
            </UpdateHeading>
            <p className="update-body">{u.body}</p>
            <p className="muted">
              {t("update.posted", { time: "" })}
              <Time at={u.publishedAt} />
            </p>
          </li>
        ))}
      </ol>
    </article>
  );
}

/**
 * The map, added once the page runs JavaScript: it fetches the region outlines (cached separately, so
 * the page stays small) and shades regions by their worst state. Clicking a region selects it.
 */
export function StatusMap({
  states,
  selected,
  onSelect,
}: {
  states: { code: string; state: RegionState }[];
  selected: string | null;
  onSelect: (code: string | null) => void;
}) {
  const [shapes, setShapes] = useState<Parameters<typeof OutageMap>[0]["regions"] | null>(null);
  useEffect(() => {
    let live = true;
    fetch("/status/regions.json")
      .then((r) => (r.ok ? r.json() : null))
      .then((fc) => live && fc && setShapes(fc))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  if (!shapes) return null;
  const scores: Record<string, number> = {};
  for (const r of states) if (r.state !== "operational") scores[r.code] = REGION_STATE_RANK[r.state];
  return (
    <div className="status-map" data-testid="status-map">
      <OutageMap
        regions={shapes}
        scores={scores}
        scoreBreaks={[1.5, 2.5, 3.5]}
        fitRegions={states.map((s) => s.code)}
        selectedRegion={selected}
        onRegionClick={onSelect}
        height={360}
        label={t("regions.map")}
      />
    </div>
  );
}
