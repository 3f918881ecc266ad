import { Form } from "@remix-run/react";
import { formatElapsed } from "~/domain/incidents";
import type { RoomPanelProps } from "./types";

/** The reply queue: unanswered complaints, most reach first, to answer one by one or a spike at once. */
export function ReplyQueuePanel({ room, may }: RoomPanelProps) {
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
