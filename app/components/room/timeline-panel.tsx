import { Form } from "@remix-run/react";
import type { RoomPanelProps } from "./types";

/** The incident's timeline, newest first, with a note form for who may add one. */
export function TimelinePanel({ room, may }: RoomPanelProps) {
  return (
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
  );
}
