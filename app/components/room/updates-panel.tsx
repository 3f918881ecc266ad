import { useFetcher } from "@remix-run/react";
import { useCallback, useState } from "react";
import type { RoomComms } from "~/services/comms-room.server";
import type { IncidentUpdate } from "~/services/updates.server";
import { Composer } from "../composer/composer";
import type { RoomPanelProps } from "./types";
import { UpdateCard, type UpdatePermissions } from "./update-card";

/**
 * The room's status updates: the kill switch, the composer, and every update with its approval and
 * deliveries. Everything here posts to /incidents/:id/updates.
 */

type ActionData = { ok?: string; error?: string };

function PublishingSwitch({
  comms,
  incidentId,
  mayPause,
}: {
  comms: RoomComms;
  incidentId: number;
  mayPause: boolean;
}) {
  const fetcher = useFetcher<ActionData>();
  const { publishing } = comms;
  if (publishing.paused) {
    return (
      <div className="kill-switch paused" role="status" data-testid="publishing-paused">
        <strong>Publishing is paused</strong> since{" "}
        {new Date(publishing.pausedAt!).toISOString().slice(11, 16)} UTC
        {publishing.byName ? ` by ${publishing.byName}` : ""}: {publishing.reason}. Held:{" "}
        {publishing.held.deliveries} deliveries, {publishing.held.updates} approved updates.
        {mayPause ? (
          <fetcher.Form method="post" action={`/incidents/${incidentId}/updates`} className="inline-form">
            <input type="hidden" name="intent" value="resume" />
            <button type="submit" className="primary">
              Resume publishing
            </button>
          </fetcher.Form>
        ) : null}
        {fetcher.data?.error ? <span className="error">{fetcher.data.error}</span> : null}
      </div>
    );
  }
  if (!mayPause) return null;
  return (
    <details className="kill-switch">
      <summary>Pause all publishing</summary>
      <fetcher.Form method="post" action={`/incidents/${incidentId}/updates`} className="inline-form">
        <input type="hidden" name="intent" value="pause" />
        <input
          name="reason"
          placeholder="why (shown to everyone)"
          aria-label="Why publishing is paused"
          required
          minLength={3}
        />
        <button type="submit" className="danger">
          Pause every queued and scheduled post
        </button>
        {fetcher.data?.error ? <span className="error">{fetcher.data.error}</span> : null}
      </fetcher.Form>
    </details>
  );
}

export function UpdatesPanel({
  comms,
  incidentId,
  may,
  mayPause,
  meId,
}: {
  comms: RoomComms;
  incidentId: number;
  may: UpdatePermissions;
  mayPause: boolean;
  meId: number;
}) {
  const [composing, setComposing] = useState<{ editing: IncidentUpdate | null } | null>(null);
  const done = useCallback(() => setComposing(null), []);
  return (
    <section className="panel" data-testid="updates-panel">
      <h2>Status updates</h2>
      <PublishingSwitch comms={comms} incidentId={incidentId} mayPause={mayPause} />
      {composing ? (
        <Composer
          key={composing.editing?.id ?? "new"}
          comms={comms}
          editing={composing.editing}
          onDone={done}
        />
      ) : may.draft ? (
        <button type="button" className="primary" onClick={() => setComposing({ editing: null })}>
          Write an update
        </button>
      ) : null}
      {comms.updates.length === 0 ? (
        <p className="muted">
          Nothing has been said in public yet. Silence is visible: a holding statement helps.
        </p>
      ) : null}
      {comms.updates.map((u) => (
        <UpdateCard
          key={u.id}
          incidentId={incidentId}
          update={u}
          may={may}
          meId={meId}
          onEdit={(x) => setComposing({ editing: x })}
        />
      ))}
    </section>
  );
}

/** The panel as the room's grid lists it. */
export function RoomUpdatesPanel({ comms, room, may, meId }: RoomPanelProps) {
  return (
    <UpdatesPanel comms={comms} incidentId={room.incident.id} may={may} mayPause={may.pause} meId={meId} />
  );
}
