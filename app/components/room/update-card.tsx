import { useFetcher } from "@remix-run/react";
import { DELIVERY_STATE_LABELS } from "~/domain/delivery";
import { UPDATE_STATE_LABELS } from "~/domain/updates";
import type { IncidentUpdate } from "~/services/updates.server";
import { KIND_LABELS } from "../composer/composer";

/**
 * One status update in the room: what it says, where it is in approval, the conversation about it, and
 * — once approved — where each channel's copy landed, live. Unknown and failed deliveries carry the
 * controls a person uses to settle them (never an automatic re-post).
 */

export interface UpdatePermissions {
  draft: boolean;
  approve: boolean;
  publish: boolean;
  comment: boolean;
}

type ActionData = { ok?: string; error?: string; fields?: Record<string, string> };

function ActionForm({
  incidentId,
  update,
  intent,
  label,
  children,
  className,
}: {
  incidentId: number;
  update: IncidentUpdate;
  intent: string;
  label: string;
  children?: React.ReactNode;
  className?: string;
}) {
  const fetcher = useFetcher<ActionData>();
  return (
    <fetcher.Form method="post" action={`/incidents/${incidentId}/updates`} className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="updateId" value={update.id} />
      <input type="hidden" name="version" value={update.version} />
      {children}
      <button type="submit" className={className} disabled={fetcher.state !== "idle"}>
        {label}
      </button>
      {fetcher.data?.error ? (
        <span className="error" role="alert">
          {fetcher.data.error} {fetcher.data.fields ? Object.values(fetcher.data.fields).join(" ") : ""}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

function DeliveryRow({
  incidentId,
  d,
  may,
}: {
  incidentId: number;
  d: IncidentUpdate["deliveries"][number];
  may: UpdatePermissions;
}) {
  const fetcher = useFetcher<ActionData>();
  const settleable = d.state === "unknown" || d.state === "failed";
  return (
    <tr data-testid="delivery" data-state={d.state} data-channel={d.channelKind ?? ""}>
      <td>{d.channelKind}</td>
      <td>
        <span className={`pill delivery-${d.state}`}>{DELIVERY_STATE_LABELS[d.state]}</span>
        {d.attempts > 1 ? <span className="muted"> · {d.attempts} attempts</span> : null}
      </td>
      <td>
        {d.remoteUrl ? (
          <a href={d.remoteUrl} target="_blank" rel="noreferrer">
            view
          </a>
        ) : null}
        {d.lastError ? <div className="muted small">{d.lastError}</div> : null}
        {d.state === "pending" && d.attempts > 0 ? (
          <div className="muted small">
            retrying at {new Date(d.nextAttemptAt).toISOString().slice(11, 19)} UTC
          </div>
        ) : null}
      </td>
      <td>
        {may.publish && (settleable || d.state === "pending") ? (
          <fetcher.Form method="post" action={`/incidents/${incidentId}/updates`} className="inline-form">
            <input type="hidden" name="intent" value="delivery" />
            <input type="hidden" name="deliveryId" value={d.id} />
            {settleable ? (
              <>
                <input
                  name="remoteUrl"
                  type="url"
                  placeholder="link to the post (optional)"
                  aria-label="Link to the post"
                />
                <button type="submit" name="action" value="sent">
                  It was posted
                </button>
                <button type="submit" name="action" value="resend">
                  Send again
                </button>
              </>
            ) : null}
            <button type="submit" name="action" value="cancel">
              Cancel
            </button>
            {fetcher.data?.error ? <span className="error">{fetcher.data.error}</span> : null}
          </fetcher.Form>
        ) : null}
      </td>
    </tr>
  );
}

export function UpdateCard({
  incidentId,
  update,
  may,
  meId,
  onEdit,
}: {
  incidentId: number;
  update: IncidentUpdate;
  may: UpdatePermissions;
  meId: number;
  onEdit: (u: IncidentUpdate) => void;
}) {
  const editable = may.draft && (update.state === "draft" || update.state === "in_review");
  return (
    <article
      className={`update-card state-${update.state}`}
      id={`update-${update.number}`}
      data-testid="update-card"
      data-state={update.state}
    >
      <header>
        <strong>
          #{update.number} {KIND_LABELS[update.kind]}
        </strong>{" "}
        <span className={`pill update-${update.state}`}>{UPDATE_STATE_LABELS[update.state]}</span>{" "}
        <span className="muted">
          v{update.version} · by {update.authorName ?? "someone"}
          {update.approvedByName ? ` · approved by ${update.approvedByName}` : ""}
          {update.publishedAt
            ? ` · published ${new Date(update.publishedAt).toISOString().slice(11, 16)} UTC`
            : ""}
          {update.nextUpdateAt
            ? ` · next update promised by ${new Date(update.nextUpdateAt).toISOString().slice(11, 16)} UTC`
            : ""}
          {update.scheduledAt && update.state === "approved"
            ? ` · goes out ${new Date(update.scheduledAt).toISOString()}`
            : ""}
        </span>
      </header>
      {update.publishedTitle || update.title ? (
        <p className="update-title">{update.publishedTitle ?? update.title}</p>
      ) : null}
      <p className="update-body" data-testid="update-text">
        {update.publishedBody ?? update.body}
      </p>
      {update.reviewNote && update.state === "draft" ? (
        <p className="warning">Sent back: {update.reviewNote}</p>
      ) : null}
      <div className="row">
        {editable ? (
          <button type="button" onClick={() => onEdit(update)}>
            Edit
          </button>
        ) : null}
        {may.draft && update.state === "draft" ? (
          <ActionForm incidentId={incidentId} update={update} intent="submit" label="Send for approval" />
        ) : null}
        {may.approve && update.state === "in_review" ? (
          <>
            <ActionForm
              incidentId={incidentId}
              update={update}
              intent="approve"
              label="Approve and publish"
              className="primary"
            >
              <input name="comment" placeholder="comment (optional)" aria-label="Approval comment" />
            </ActionForm>
            <ActionForm
              incidentId={incidentId}
              update={update}
              intent="request_changes"
              label="Request changes"
            >
              <input
                name="comment"
                placeholder="what should change"
                aria-label="Requested changes"
                required
              />
            </ActionForm>
          </>
        ) : null}
        {may.draft &&
        (update.state === "draft" || update.state === "in_review" || update.state === "approved") ? (
          <ActionForm incidentId={incidentId} update={update} intent="withdraw" label="Withdraw" />
        ) : null}
      </div>
      {update.state === "in_review" && update.authorUserId === meId && may.approve ? (
        <p className="muted">
          You wrote this one: someone else approves it, unless the severity's policy allows otherwise.
        </p>
      ) : null}
      {update.deliveries.length ? (
        <table className="deliveries" data-testid="deliveries">
          <tbody>
            {update.deliveries.map((d) => (
              <DeliveryRow key={d.id} incidentId={incidentId} d={d} may={may} />
            ))}
          </tbody>
        </table>
      ) : null}
      <details>
        <summary>
          Conversation ({update.comments.filter((c) => c.body || c.kind !== "comment").length})
        </summary>
        <ul className="comments">
          {update.comments
            .filter((c) => c.body || c.kind !== "comment")
            .map((c) => (
              <li key={c.id}>
                <span className="muted">
                  {new Date(c.createdAt).toISOString().slice(11, 16)} {c.authorName ?? "someone"} ·{" "}
                  {c.kind.replace("_", " ")} (v
                  {c.version})
                </span>{" "}
                {c.body}
              </li>
            ))}
        </ul>
        {may.comment ? (
          <ActionForm incidentId={incidentId} update={update} intent="comment" label="Comment">
            <input name="comment" aria-label="Comment" required />
          </ActionForm>
        ) : null}
      </details>
    </article>
  );
}
