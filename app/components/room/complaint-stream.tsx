import { Form, useFetcher, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { StreamRow } from "~/services/room.server";
import type { RoomPanelProps } from "./types";

/** The complaint stream panel: the incident's complaints, newest first, filtered by the URL's query. */
export function StreamPanel({ room }: RoomPanelProps) {
  return (
    <ComplaintStream
      rows={room.stream.rows}
      nextCursor={room.stream.nextCursor}
      incidentId={room.incident.id}
      topics={room.chart.topics}
      regions={room.incident.regions}
    />
  );
}

/**
 * Filters (a form of GET parameters, so a filtered room is a link), the first page from the loader and
 * further pages fetched with the keyset cursor.
 */
export function ComplaintStream({
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
