import type { ChannelVariants, ComposeChannelKind, ComposedVariants, VariantReport } from "~/domain/channels";
import { CHANNEL_LABELS } from "~/domain/update-compose";

/**
 * One channel's message exactly as it will go out, with its length against the channel's limit
 * ("271 / 280 weighted"), and the controls to fit it: thread or shorten, or a person's own text.
 */

const UNIT: Record<string, string> = {
  weighted: "weighted",
  characters: "chars",
  graphemes: "graphemes",
  segments: "segments",
  bytes: "bytes",
};

export interface ChannelOverride {
  text?: string;
  mode?: "shorten" | "thread";
}

function Count({ report }: { report: VariantReport }) {
  const of = report.limit === null ? "" : ` / ${report.limit.toLocaleString()}`;
  return (
    <span className={report.ok ? "count ok" : "count over"} data-testid="variant-count">
      {report.used.toLocaleString()}
      {of} {UNIT[report.unit] ?? report.unit}
    </span>
  );
}

function Body({ kind, variants }: { kind: ComposeChannelKind; variants: ComposedVariants }) {
  switch (kind) {
    case "x":
    case "mastodon":
    case "bluesky": {
      const v = variants[kind] as ChannelVariants["x"];
      return (
        <ol className="posts">
          {v.parts.map((p, i) => (
            <li key={p}>
              <pre>{p}</pre>
              <span className="muted">{v.partLengths[i]}</span>
            </li>
          ))}
        </ol>
      );
    }
    case "facebook":
      return <pre>{variants.facebook!.message}</pre>;
    case "sms": {
      const v = variants.sms!;
      return (
        <>
          <pre>{v.text}</pre>
          <p className="muted">
            {v.sms.encoding === "GSM-7" ? "GSM-7" : "UCS-2 (unicode)"}, {v.sms.segments} segment
            {v.sms.segments === 1 ? "" : "s"} of {v.sms.perSegment}
            {v.sms.nonGsmCharacters.length
              ? ` — not in GSM-7: ${v.sms.nonGsmCharacters.slice(0, 6).join(" ")}`
              : ""}
          </p>
        </>
      );
    }
    case "email": {
      const v = variants.email!;
      return (
        <>
          <p>
            <strong>Subject:</strong> {v.subject}
          </p>
          <pre>{v.text}</pre>
        </>
      );
    }
    case "slack":
      return <pre>{variants.slack!.text}</pre>;
    case "teams":
      return (
        <pre>
          {(variants.teams!.payload.attachments[0]?.content.body ?? [])
            .map((b) =>
              b.type === "TextBlock" ? b.text : b.facts.map((f) => `${f.title}: ${f.value}`).join("\n"),
            )
            .join("\n\n")}
        </pre>
      );
    case "webhook":
      return <pre>{JSON.stringify(variants.webhook!.event, null, 1).slice(0, 600)}</pre>;
    case "status_page":
    case "statuspage": {
      const v = variants[kind]!;
      return (
        <>
          <p>
            <strong>{v.title}</strong>
          </p>
          <pre>{v.body}</pre>
        </>
      );
    }
  }
}

export function ChannelPreview({
  kind,
  names,
  variants,
  override,
  onOverride,
  editable,
}: {
  kind: ComposeChannelKind;
  names: string[];
  variants: ComposedVariants;
  override: ChannelOverride | undefined;
  onOverride: (next: ChannelOverride | undefined) => void;
  editable: boolean;
}) {
  const report = variants[kind] as VariantReport | undefined;
  if (!report) return null;
  const threadable = kind === "x" || kind === "mastodon" || kind === "bluesky";
  const textual = threadable || kind === "sms" || kind === "facebook" || kind === "slack";
  return (
    <details
      className={`channel-preview ${report.ok ? "" : "invalid"}`}
      data-channel={kind}
      open={!report.ok}
    >
      <summary>
        <strong>{CHANNEL_LABELS[kind]}</strong> <span className="muted">{names.join(", ")}</span>{" "}
        <Count report={report} />
        {override?.text ? <span className="badge">edited</span> : null}
      </summary>
      <Body kind={kind} variants={variants} />
      {report.notes.length ? <p className="muted">{report.notes.join(" ")}</p> : null}
      {editable && threadable ? (
        <fieldset className="inline">
          <legend>When too long</legend>
          {(["shorten", "thread"] as const).map((mode) => (
            <label key={mode}>
              <input
                type="radio"
                name={`mode-${kind}`}
                checked={(override?.mode ?? "shorten") === mode}
                onChange={() => onOverride({ ...override, mode })}
              />{" "}
              {mode === "shorten" ? "shorten with a link" : "thread"}
            </label>
          ))}
        </fieldset>
      ) : null}
      {editable && textual ? (
        <details>
          <summary>Write this channel's text yourself</summary>
          <textarea
            aria-label={`${CHANNEL_LABELS[kind]} text`}
            rows={3}
            value={override?.text ?? ""}
            placeholder="Leave empty to use the text above"
            onChange={(e) => onOverride({ ...override, text: e.target.value || undefined })}
          />
        </details>
      ) : null}
    </details>
  );
}
