import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { useEffect, useState } from "react";
import { links as mapLinks, OutageMap } from "~/components/outage-map";
import { VolumeChart } from "~/components/volume-chart";
import { formatElapsed, SEVERITY_LABELS, STATE_LABELS } from "~/domain/incidents";
import { can, type Permission } from "~/domain/permissions";
import { useLiveRevalidation } from "~/hooks/use-live";
import {
  addNote,
  assignRole,
  changeSeverity,
  changeState,
  dismissCluster,
  linkCluster,
  setRegions,
  unlinkCluster,
} from "~/services/incidents.server";
import { sendReplies } from "~/services/replies.server";
import { loadRoom, parseStreamFilter, type StreamRow } from "~/services/room.server";
import { requireAnyPermission, requirePermission } from "~/utils/auth.server";
import { isAppError } from "~/utils/errors";
import { formObject } from "~/utils/request.server";
import { INCIDENT_ROLES, INCIDENT_STATES, SEVERITIES } from "~db/schema/enums";

export const links = () => [...mapLinks()];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `#${data.room.incident.id} ${data.room.incident.title} · Clarion` : "Incident · Clarion" },
];

function incidentId(params: { id?: string }): number {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw data({ error: `There is no incident “${params.id}”.` }, { status: 404 });
  return id;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { user, services } = await requirePermission(request, context, "console.read");
  const id = incidentId(params);
  const filter = parseStreamFilter(new URL(request.url).searchParams);
  try {
    const room = await loadRoom(services.db, services.orgId, id, filter);
    const allowed = (p: Permission) => can(user.role, p);
    return {
      room,
      filter,
      mapboxToken: services.env.MAPBOX_ACCESS_TOKEN ?? null,
      may: {
        manage: allowed("incident.manage"),
        triage: allowed("spike.triage"),
        reply: allowed("reply.send"),
        note: allowed("incident.manage") || allowed("update.draft"),
      },
    };
  } catch (error) {
    if (isAppError(error) && error.status === 404) throw data({ error: error.message }, { status: 404 });
    throw error;
  }
}

const INTENT_PERMISSION: Record<string, Permission> = {
  state: "incident.manage",
  severity: "incident.manage",
  assign: "incident.manage",
  regions: "incident.manage",
  link: "incident.manage",
  unlink: "incident.manage",
  dismiss: "spike.triage",
  reply: "reply.send",
  note: "incident.manage",
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await formObject(request);
  const intent = String(form.intent ?? "");
  const permission = INTENT_PERMISSION[intent];
  if (!permission) {
    await requirePermission(request, context, "console.read");
    return data({ intent, error: "Unknown action: reload the page and try again." }, { status: 400 });
  }
  const { user, services } =
    intent === "note"
      ? await requireAnyPermission(request, context, ["incident.manage", "update.draft"])
      : await requirePermission(request, context, permission);
  const id = incidentId(params);
  const actor = { kind: "user" as const, userId: user.id, ip: context.clientIp };
  const { db, orgId } = services;
  try {
    switch (intent) {
      case "state":
        await changeState(db, orgId, id, { state: form.state, note: form.note || undefined }, actor);
        return { intent, ok: "State changed." };
      case "severity":
        await changeSeverity(db, orgId, id, { severity: form.severity }, actor);
        return { intent, ok: "Severity changed." };
      case "assign":
        await assignRole(db, orgId, id, { role: form.role, userId: form.userId }, actor);
        return { intent, ok: "Assigned." };
      case "regions":
        await setRegions(
          db,
          orgId,
          id,
          {
            regions: String(form.regions ?? "")
              .split(/[\s,]+/)
              .map((r) => r.trim().toUpperCase())
              .filter(Boolean),
          },
          actor,
        );
        return { intent, ok: "Affected regions saved." };
      case "link":
        await linkCluster(db, orgId, id, Number(form.clusterId), actor);
        return { intent, ok: `Spike #${form.clusterId} linked.` };
      case "unlink":
        await unlinkCluster(db, orgId, id, Number(form.clusterId), actor);
        return { intent, ok: `Spike #${form.clusterId} unlinked.` };
      case "dismiss":
        await dismissCluster(
          db,
          orgId,
          Number(form.clusterId),
          { reason: form.reason, incidentId: id },
          actor,
        );
        return { intent, ok: `Suggestion #${form.clusterId} dismissed.` };
      case "note":
        await addNote(db, orgId, id, { note: form.note }, actor);
        return { intent, ok: "Note added." };
      case "reply": {
        const ids = ([] as string[]).concat(form.complaintId ?? []).map(Number);
        const result = await sendReplies(
          db,
          orgId,
          id,
          { body: form.body, complaintIds: ids, clusterId: form.clusterId ? Number(form.clusterId) : null },
          actor,
        );
        return {
          intent,
          ok: result.replied
            ? `Replied to ${result.replied} ${result.replied === 1 ? "person" : "people"}; the replies are queued on their channels.`
            : "Everyone there has already been answered.",
        };
      }
    }
  } catch (error) {
    if (isAppError(error)) {
      const fields = "fields" in error ? (error as { fields: Record<string, string> }).fields : {};
      const detail = Object.values(fields).join("; ");
      return data(
        { intent, error: detail ? `${error.message}: ${detail}` : error.message },
        { status: error.status },
      );
    }
    throw error;
  }
  return data({ intent, error: "Unknown action." }, { status: 400 });
}

function Countdown({ to }: { to: string | null }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!to) return <span>—</span>;
  if (now === null) return <span>{new Date(to).toISOString().slice(11, 16)} UTC</span>;
  const left = new Date(to).getTime() - now;
  if (left < 0) return <span className="overdue">overdue by {formatElapsed(-left)}</span>;
  return <span>in {formatElapsed(left)}</span>;
}

function Elapsed({ since, until }: { since: string; until: string | null }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const end = until ? new Date(until).getTime() : (now ?? new Date(since).getTime());
  return <span>{formatElapsed(end - new Date(since).getTime())}</span>;
}

export default function IncidentRoom() {
  const { room, filter, may, mapboxToken } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as
    | { intent?: string; ok?: string; error?: string }
    | undefined;
  const { incident } = room;
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  useLiveRevalidation(
    (e) =>
      (e.type === "incident" && (e.incidentId === incident.id || e.incidentId === 0)) ||
      e.type === "complaints" ||
      e.type === "spikes" ||
      e.type === "delivery",
  );
  const selectRegion = (code: string | null) => {
    const next = new URLSearchParams(params);
    if (code) next.set("region", code);
    else next.delete("region");
    next.delete("cursor");
    setParams(next, { preventScrollReset: true });
  };
  return (
    <div data-testid="incident-room">
      <div className="room-head">
        <h1>
          #{incident.id} {incident.title}
        </h1>
        <span className={`badge state-${incident.state}`} data-testid="incident-state">
          {STATE_LABELS[incident.state]}
        </span>
        <span className={`badge sev-${incident.severity}`}>{SEVERITY_LABELS[incident.severity]}</span>
      </div>
      <div className="room-meta">
        <span>
          Commander: <strong>{incident.commander?.name ?? "unassigned"}</strong>
        </span>
        <span>
          Elapsed:{" "}
          <strong>
            <Elapsed since={incident.startedAt} until={incident.resolvedAt} />
          </strong>
        </span>
        <span>
          Next public update:{" "}
          <strong>
            <Countdown to={incident.nextUpdateDueAt} />
          </strong>
        </span>
        <span>
          Regions: <strong>{incident.regions.join(", ") || "none yet"}</strong>
        </span>
      </div>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      {result?.ok ? <p className="notice">{result.ok}</p> : null}

      {may.manage ? (
        <div className="panel">
          <Form method="post" className="inline-form" preventScrollReset>
            <input type="hidden" name="intent" value="state" />
            <label htmlFor="state">State</label>
            <select id="state" name="state" defaultValue={incident.state} key={incident.state}>
              {INCIDENT_STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_LABELS[s]}
                </option>
              ))}
            </select>
            <input name="note" placeholder="What changed (optional)" aria-label="What changed" />
            <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
              Change state
            </button>
          </Form>
          <Form method="post" className="inline-form" preventScrollReset>
            <input type="hidden" name="intent" value="severity" />
            <label htmlFor="severity">Severity</label>
            <select id="severity" name="severity" defaultValue={incident.severity} key={incident.severity}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {SEVERITY_LABELS[s]}
                </option>
              ))}
            </select>
            <button type="submit">Set severity</button>
          </Form>
          <Form method="post" className="inline-form" preventScrollReset>
            <input type="hidden" name="intent" value="assign" />
            <label htmlFor="role">Assign</label>
            <select id="role" name="role" defaultValue="comms">
              {INCIDENT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r.replace("_", " ")}
                </option>
              ))}
            </select>
            <select name="userId" aria-label="Person">
              {room.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.role})
                </option>
              ))}
            </select>
            <button type="submit">Assign</button>
          </Form>
          <Form method="post" className="inline-form" preventScrollReset>
            <input type="hidden" name="intent" value="regions" />
            <label htmlFor="regions">Affected regions</label>
            <input
              id="regions"
              name="regions"
              defaultValue={incident.regions.join(", ")}
              key={incident.regions.join()}
            />
            <button type="submit">Save regions</button>
          </Form>
          {incident.assignments.length ? (
            <p className="muted">
              Team: {incident.assignments.map((a) => `${a.name} (${a.role.replace("_", " ")})`).join(" · ")}
            </p>
          ) : null}
        </div>
      ) : null}

      <div className="room-grid">
        <div>
          <section className="panel">
            <h2>Outage map</h2>
            <OutageMap
              regions={room.map.regions}
              scores={room.map.scores}
              points={room.map.points}
              selectedRegion={filter.region ?? null}
              onRegionClick={selectRegion}
              mapboxToken={mapboxToken}
              height={360}
            />
            <p className="muted">
              Shaded by spike score; dots are geotagged complaints. Click a region to filter the room
              {filter.region ? (
                <>
                  {" "}
                  (showing <strong>{filter.region}</strong> —{" "}
                  <button className="link" type="button" onClick={() => selectRegion(null)}>
                    show all
                  </button>
                  )
                </>
              ) : null}
              .
            </p>
          </section>
          <section className="panel">
            <h2>Complaint volume by topic</h2>
            <VolumeChart
              series={room.chart.series}
              topics={room.chart.topics}
              baseline={room.chart.baseline}
              markers={room.chart.markers}
            />
          </section>
          <ComplaintStream
            rows={room.stream.rows}
            nextCursor={room.stream.nextCursor}
            incidentId={incident.id}
            topics={room.chart.topics}
            regions={incident.regions}
          />
        </div>
        <div>
          <Spikes room={room} may={may} />
          <ReplyQueue room={room} may={may} />
          <section className="panel">
            <h2>Response coverage</h2>
            {room.coverage.length === 0 ? (
              <p className="muted">No complaints have been placed in this incident yet.</p>
            ) : (
              <table data-testid="coverage">
                <thead>
                  <tr>
                    <th>Region</th>
                    <th className="num">Complaints</th>
                    <th className="num">Answered</th>
                    <th>Coverage</th>
                  </tr>
                </thead>
                <tbody>
                  {room.coverage.map((c) => {
                    const pct = c.complaints ? Math.round((100 * c.answered) / c.complaints) : 0;
                    return (
                      <tr key={c.region}>
                        <td>{c.region}</td>
                        <td className="num">{c.complaints}</td>
                        <td className="num">{c.answered}</td>
                        <td>
                          <div className="bar" title={`${pct}%`}>
                            <span style={{ width: `${Math.min(100, pct)}%` }} />
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel">
            <h2>Timeline</h2>
            {may.note ? (
              <Form method="post" className="inline-form" preventScrollReset>
                <input type="hidden" name="intent" value="note" />
                <input name="note" placeholder="Add a note to the timeline" aria-label="Note" />
                <button type="submit">Add</button>
              </Form>
            ) : null}
            <ol className="timeline" data-testid="timeline">
              {room.timeline.map((e) => (
                <li key={e.id}>
                  <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
                  {e.message}
                  {e.actor ? <span className="muted"> — {e.actor}</span> : null}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
      <p>
        <Link to="/incidents">← All incidents</Link>
      </p>
    </div>
  );
}

type RoomData = ReturnType<typeof useLoaderData<typeof loader>>;

function Spikes({ room, may }: { room: RoomData["room"]; may: RoomData["may"] }) {
  return (
    <section className="panel">
      <h2>Linked spikes</h2>
      {room.linked.length === 0 ? <p className="muted">No spikes linked yet.</p> : null}
      <ul>
        {room.linked.map((s) => (
          <li key={s.id} data-testid="linked-spike">
            <span className={`badge level-${s.level}`}>{s.level}</span> #{s.id} {s.topic} in{" "}
            {s.regions.join(", ")} — peak {s.observed} vs {s.expected} expected
            {s.endedAt ? ", ended" : ", ongoing"}
            {may.manage ? (
              <Form method="post" className="inline-form" preventScrollReset>
                <input type="hidden" name="intent" value="unlink" />
                <input type="hidden" name="clusterId" value={s.id} />
                <button type="submit" className="link">
                  unlink
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {room.suggestions.length > 0 ? (
        <>
          <h2>Suggested spikes</h2>
          <ul>
            {room.suggestions.map((s) => (
              <li key={s.id} data-testid="suggested-spike">
                <span className={`badge level-${s.level}`}>{s.level}</span> #{s.id} {s.topic} in{" "}
                {s.regions.join(", ")}
                {may.manage ? (
                  <Form method="post" className="inline-form" preventScrollReset>
                    <input type="hidden" name="intent" value="link" />
                    <input type="hidden" name="clusterId" value={s.id} />
                    <button type="submit">Link</button>
                  </Form>
                ) : null}
                {may.triage ? (
                  <Form method="post" className="inline-form" preventScrollReset>
                    <input type="hidden" name="intent" value="dismiss" />
                    <input type="hidden" name="clusterId" value={s.id} />
                    <input
                      name="reason"
                      placeholder="Why it is not this incident"
                      aria-label="Reason"
                      required
                      minLength={3}
                    />
                    <button type="submit">Dismiss</button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function ReplyQueue({ room, may }: { room: RoomData["room"]; may: RoomData["may"] }) {
  return (
    <section className="panel">
      <h2>
        Waiting for an answer ({room.queue.length}
        {room.queue.length >= 30 ? "+" : ""})
      </h2>
      {room.queue.length === 0 ? <p className="muted">Everyone in this incident has been answered.</p> : null}
      {may.reply && room.linked.length > 0 ? (
        <Form method="post" preventScrollReset>
          <input type="hidden" name="intent" value="reply" />
          <label htmlFor="cluster-reply">Reply to everyone in a spike</label>
          <textarea id="cluster-reply" name="body" defaultValue={room.holdingStatement} rows={3} />
          <select name="clusterId" aria-label="Spike">
            {room.linked.map((s) => (
              <option key={s.id} value={s.id}>
                #{s.id} {s.topic} in {s.regions.join(", ")}
              </option>
            ))}
          </select>{" "}
          <button type="submit">Reply to all of them</button>
        </Form>
      ) : null}
      <ul className="timeline" data-testid="reply-queue">
        {room.queue.map((c) => (
          <li key={c.id}>
            <div className="who">
              {c.author ?? "anonymous"} · {c.source}
              {c.followers ? ` · ${c.followers.toLocaleString()} followers` : ""} · {c.region ?? "?"} ·{" "}
              <span className={c.overdue ? "overdue" : ""}>
                waiting {formatElapsed(c.ageMinutes * 60_000)}
              </span>
            </div>
            <div>{c.text}</div>
            {may.reply ? (
              <Form method="post" preventScrollReset>
                <input type="hidden" name="intent" value="reply" />
                <input type="hidden" name="complaintId" value={c.id} />
                <details>
                  <summary>Reply</summary>
                  <textarea
                    name="body"
                    defaultValue={room.holdingStatement}
                    rows={3}
                    aria-label="Reply text"
                  />
                  <button type="submit">Send reply</button>
                </details>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ComplaintStream({
  rows,
  nextCursor,
  incidentId,
  topics,
  regions,
}: {
  rows: StreamRow[];
  nextCursor: string | null;
  incidentId: number;
  topics: { slug: string; label: string }[];
  regions: string[];
}) {
  const [params] = useSearchParams();
  const more = useFetcher<{ rows: StreamRow[]; nextCursor: string | null }>();
  const [extra, setExtra] = useState<StreamRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(nextCursor);
  useEffect(() => {
    setExtra([]);
    setCursor(nextCursor);
  }, [nextCursor]);
  useEffect(() => {
    if (more.data) {
      setExtra((e) => [...e, ...more.data!.rows]);
      setCursor(more.data.nextCursor);
    }
  }, [more.data]);
  const loadMore = () => {
    const q = new URLSearchParams(params);
    if (cursor) q.set("cursor", cursor);
    more.load(`/incidents/${incidentId}/complaints?${q}`);
  };
  const all = [...rows, ...extra];
  return (
    <section className="panel">
      <h2>Complaints</h2>
      <Form method="get" className="filters" preventScrollReset>
        <label>
          Search <input name="q" defaultValue={params.get("q") ?? ""} />
        </label>
        <label>
          Region
          <select name="region" defaultValue={params.get("region") ?? ""}>
            <option value="">all</option>
            {regions.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Topic
          <select name="topic" defaultValue={params.get("topic") ?? ""}>
            <option value="">all</option>
            {topics.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Source <input name="source" size={8} defaultValue={params.get("source") ?? ""} />
        </label>
        <label>
          Sentiment
          <select name="sentiment" defaultValue={params.get("sentiment") ?? ""}>
            <option value="">any</option>
            <option value="negative">negative</option>
            <option value="neutral">neutral</option>
            <option value="positive">positive</option>
          </select>
        </label>
        <label>
          Answered
          <select name="answered" defaultValue={params.get("answered") ?? ""}>
            <option value="">either</option>
            <option value="no">unanswered</option>
            <option value="yes">answered</option>
          </select>
        </label>
        <button type="submit">Filter</button>
      </Form>
      {all.length === 0 ? <p className="muted">No complaints match.</p> : null}
      <div data-testid="complaint-stream">
        {all.map((c) => (
          <div className="complaint" key={c.id}>
            <div className="who">
              {new Date(c.createdAt).toLocaleString()} · {c.author ?? "anonymous"} · {c.source} ·{" "}
              {c.region ?? "?"} · {c.topic}
              {c.sentiment !== null ? ` · sentiment ${c.sentiment}` : ""}
              {c.answeredAt ? " · answered" : ""}
              {c.url ? (
                <>
                  {" "}
                  ·{" "}
                  <a href={c.url} target="_blank" rel="noreferrer noopener">
                    open
                  </a>
                </>
              ) : null}
            </div>
            <div>{c.text}</div>
          </div>
        ))}
      </div>
      {cursor ? (
        <p>
          <button type="button" onClick={loadMore} disabled={more.state !== "idle"}>
            {more.state !== "idle" ? "Loading…" : "Load more"}
          </button>
        </p>
      ) : null}
    </section>
  );
}
