import { useFetcher } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import type { ComposeChannelKind, VariantReport } from "~/domain/channels";
import { PLACEHOLDERS } from "~/domain/templates";
import { composeUpdate } from "~/domain/update-compose";
import type { RoomComms } from "~/services/comms-room.server";
import type { IncidentUpdate } from "~/services/updates.server";
import { INCIDENT_STATES, UPDATE_KINDS, type UpdateKind } from "~db/schema/enums";
import { type ChannelOverride, ChannelPreview } from "./channel-preview";

/**
 * Write a status update once and see it exactly as each channel will carry it, with exact counts, while
 * typing. Placeholders stay in the text and are filled when the update is published (the preview fills
 * them as if it were published now). Saves a draft or sends it for approval.
 */

export const KIND_LABELS: Record<UpdateKind, string> = {
  holding: "Holding statement",
  update: "Update",
  resolution: "Resolution",
};

const PROMISES = [15, 30, 60, 120, 240];

type ActionData = { ok?: string; error?: string; fields?: Record<string, string>; updateId?: number };

export function Composer({
  comms,
  editing,
  onDone,
}: {
  comms: RoomComms;
  /** A draft (or an update in review) being edited; a new update otherwise. */
  editing: IncidentUpdate | null;
  onDone: () => void;
}) {
  const fetcher = useFetcher<ActionData>();
  const { compose } = comms;
  const suggested = comms.templates[0];
  const [kind, setKind] = useState<UpdateKind>(editing?.kind ?? suggested?.kind ?? "holding");
  const [templateId, setTemplateId] = useState<number | null>(editing ? null : (suggested?.id ?? null));
  const [title, setTitle] = useState(editing?.title ?? suggested?.title ?? "");
  const [body, setBody] = useState(editing?.body ?? suggested?.body ?? "");
  const [promise, setPromise] = useState<number | null>(
    editing ? editing.nextUpdateMinutes : compose.incident.cadenceMinutes,
  );
  const [incidentState, setIncidentState] = useState<string>(editing?.incidentState ?? "");
  const [eta, setEta] = useState("");
  const [scheduledAt, setScheduledAt] = useState("");
  const [overrides, setOverrides] = useState<Partial<Record<ComposeChannelKind, ChannelOverride>>>(() =>
    Object.fromEntries(
      (editing?.variants ?? []).map((v) => [v.channelKind, { text: v.body ?? undefined, mode: v.mode }]),
    ),
  );
  // The preview's "now" is the page's render time until the browser has its own clock (no hydration drift).
  const [now, setNow] = useState(() => new Date(comms.renderedAt));
  useEffect(() => {
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  const kinds = useMemo(() => [...new Set(comms.channels.map((c) => c.kind))], [comms.channels]);
  const preview = useMemo(() => {
    try {
      return composeUpdate(
        {
          kind,
          title,
          body,
          number: editing?.number ?? compose.nextNumber,
          eta: eta || null,
          nextUpdateMinutes: kind === "resolution" ? null : promise,
          incidentState: (incidentState || null) as (typeof INCIDENT_STATES)[number] | null,
        },
        {
          orgName: compose.orgName,
          incidentUrl: compose.incidentUrl,
          regionNames: compose.regionNames,
          timeZone: compose.timeZone,
          topicLabels: compose.topicLabels,
          incident: compose.incident,
        },
        {
          kinds,
          overrides: overrides as Record<ComposeChannelKind, ChannelOverride>,
          publishedAt: scheduledAt ? new Date(scheduledAt) : now,
        },
      );
    } catch (error) {
      return { error: (error as Error).message };
    }
  }, [kind, title, body, eta, promise, incidentState, overrides, scheduledAt, now, kinds, compose, editing]);

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) onDone();
  }, [fetcher.state, fetcher.data, onDone]);

  const chooseTemplate = (id: string) => {
    const t = comms.templates.find((x) => String(x.id) === id);
    setTemplateId(t?.id ?? null);
    if (!t) return;
    setKind(t.kind);
    setBody(t.body);
    if (t.title) setTitle(t.title);
  };

  const invalid =
    "error" in preview
      ? [preview.error]
      : kinds
          .filter((k) => !(preview.variants[k] as VariantReport | undefined)?.ok)
          .map((k) => `${k} is too long`);
  const variantsField = JSON.stringify(
    Object.entries(overrides)
      .filter(([, o]) => o && (o.text || (o.mode && o.mode !== "shorten")))
      .map(([channelKind, o]) => ({ channelKind, body: o?.text ?? null, mode: o?.mode ?? "shorten" })),
  );
  const fieldError = (name: string) => fetcher.data?.fields?.[name];
  return (
    <fetcher.Form method="post" action={`/incidents/${compose.incident.id}/updates`} className="composer">
      <input type="hidden" name="intent" value="save" />
      {editing ? <input type="hidden" name="updateId" value={editing.id} /> : null}
      <input type="hidden" name="variants" value={variantsField} />
      <input type="hidden" name="templateId" value={templateId ?? ""} />
      <div className="row">
        <label>
          Kind
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as UpdateKind)}>
            {UPDATE_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Template
          <select
            aria-label="Template"
            value={templateId ?? ""}
            onChange={(e) => chooseTemplate(e.target.value)}
            data-testid="template-select"
          >
            <option value="">— none —</option>
            {comms.templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        Headline <span className="muted">(email subject, status page title)</span>
        <input name="title" value={title} maxLength={140} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        Text
        <textarea
          name="body"
          rows={5}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-describedby="placeholders-help"
          data-testid="update-body"
        />
      </label>
      {fieldError("body") ? <p className="error">{fieldError("body")}</p> : null}
      <p id="placeholders-help" className="muted">
        Filled when published: {PLACEHOLDERS.map((p) => `{${p}}`).join(" ")}
      </p>
      <div className="row">
        {kind !== "resolution" ? (
          <label>
            Next update promised in
            <select
              name="nextUpdateMinutes"
              value={promise ?? ""}
              onChange={(e) => setPromise(e.target.value ? Number(e.target.value) : null)}
            >
              {[...new Set([...PROMISES, compose.incident.cadenceMinutes])]
                .sort((a, b) => a - b)
                .map((m) => (
                  <option key={m} value={m}>
                    {m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? "" : "s"}`}
                  </option>
                ))}
            </select>
          </label>
        ) : null}
        <label>
          Announce incident as
          <select
            name="incidentState"
            value={incidentState}
            onChange={(e) => setIncidentState(e.target.value)}
          >
            <option value="">(unchanged: {compose.incident.state})</option>
            {INCIDENT_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          ETA <span className="muted">{"{eta}"}</span>
          <input
            name="eta"
            value={eta}
            placeholder="by 6 PM"
            maxLength={80}
            onChange={(e) => setEta(e.target.value)}
          />
        </label>
        <label>
          Publish at <span className="muted">(optional)</span>
          <input
            type="datetime-local"
            value={scheduledAt}
            onChange={(e) => setScheduledAt(e.target.value)}
            aria-label="Scheduled time"
          />
          <input
            type="hidden"
            name="scheduledAt"
            value={scheduledAt ? new Date(scheduledAt).toISOString() : ""}
          />
        </label>
      </div>
      <section aria-label="Channel previews" className="previews" data-testid="channel-previews">
        <h3>As each channel will carry it</h3>
        {"error" in preview ? (
          <p className="error">{preview.error}</p>
        ) : (
          <>
            {preview.problems.length ? <p className="warning">{preview.problems.join(" ")}</p> : null}
            {kinds.map((k) => (
              <ChannelPreview
                key={k}
                kind={k}
                names={comms.channels.filter((c) => c.kind === k).map((c) => c.name)}
                variants={preview.variants}
                override={overrides[k]}
                editable
                onOverride={(next) => setOverrides((all) => ({ ...all, [k]: next }))}
              />
            ))}
          </>
        )}
      </section>
      {fetcher.data?.error ? (
        <p className="error" role="alert">
          {fetcher.data.error}
          {fetcher.data.fields ? ` ${Object.values(fetcher.data.fields).join(" ")}` : ""}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" name="after" value="draft" disabled={fetcher.state !== "idle"}>
          Save draft
        </button>
        <button
          type="submit"
          name="after"
          value="submit"
          className="primary"
          disabled={fetcher.state !== "idle" || invalid.length > 0}
          title={invalid.length ? invalid.join("; ") : undefined}
        >
          Send for approval
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </fetcher.Form>
  );
}
