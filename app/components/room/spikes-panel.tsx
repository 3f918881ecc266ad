import { Form } from "@remix-run/react";
import type { RoomPanelProps } from "./types";

/** Spikes linked to the incident (unlink), and suggested ones (link, or dismiss with a reason). */
export function SpikesPanel({ room, may }: RoomPanelProps) {
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
