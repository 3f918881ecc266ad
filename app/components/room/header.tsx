import { SEVERITY_LABELS, STATE_LABELS } from "~/domain/incidents";
import { Countdown, Elapsed } from "./clock";
import type { RoomPanelProps } from "./types";

/** Title, state and severity, commander, elapsed time, the next promised update and the regions. */
export function RoomHeader({ room }: Pick<RoomPanelProps, "room">) {
  const { incident } = room;
  return (
    <>
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
    </>
  );
}

/** What the last room form did: its error, or what was done. */
export function ActionResult({ result }: { result?: { ok?: string; error?: string } }) {
  return (
    <>
      {result?.error ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : null}
      {result?.ok ? <p className="notice">{result.ok}</p> : null}
    </>
  );
}
