import { Form, useNavigation } from "@remix-run/react";
import { SEVERITY_LABELS, STATE_LABELS } from "~/domain/incidents";
import { INCIDENT_ROLES, INCIDENT_STATES, SEVERITIES } from "~db/schema/enums";
import type { RoomPanelProps } from "./types";

/** The commander's controls: state, severity, team and affected regions (only for who may manage). */
export function StateControls({ room, may }: Pick<RoomPanelProps, "room" | "may">) {
  const { incident } = room;
  const navigation = useNavigation();
  if (!may.manage) return null;
  return (
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
  );
}
