/**
 * One incident's comms metrics as tables and sentences, shared by the room's metrics panel and the
 * post-incident report. Presentational only: everything arrives in props. Times are shown in UTC so the
 * page, the print-out and the Markdown export say the same thing.
 */
import type { PromiseOutcome } from "~/domain/metrics/cadence";
import { type InboundEffect, VERDICT_LABELS } from "~/domain/metrics/inbound";
import type { IncidentMetrics } from "~/domain/metrics/incident";
import {
  formatUtc,
  formatMinutes as mins,
  minutesBetween,
  formatPercent as pct,
} from "~/domain/metrics/stats";
import type { CoverageRow } from "~/domain/metrics/summaries";
import { DeliveryTable } from "./delivery-table";

const hhmm = (ms: number | null) => (ms === null ? "—" : `${new Date(ms).toISOString().slice(11, 16)}`);
const num = (n: number | null, digits = 2) => (n === null ? "—" : String(Number(n.toFixed(digits))));

export function SpeedSection({ m }: { m: IncidentMetrics }) {
  const s = m.speed;
  const from = s.reference === "spike" ? "the first spike began" : "the incident began";
  return (
    <section className="metrics-section" data-testid="metrics-speed">
      <h3>How fast we spoke</h3>
      <p className="metric-headline">
        {s.firstUpdateAt !== null ? (
          <>
            First public update <strong>{mins(s.timeToFirstUpdateMinutes)}</strong> after {from}
            {s.openToFirstUpdateMinutes !== null
              ? `, ${mins(s.openToFirstUpdateMinutes)} after the incident was opened`
              : ""}
            .
          </>
        ) : s.silentMinutes !== null ? (
          <>
            <strong className="overdue">Nothing published yet</strong>: {mins(s.silentMinutes)} since {from}.
          </>
        ) : (
          <>Nothing was published.</>
        )}
      </p>
      <table className="metrics-table">
        <thead>
          <tr>
            <th>Moment</th>
            <th>When (UTC)</th>
            <th className="num">Since the spike began</th>
            <th className="num">Since detection</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>First spike began</td>
            <td>{formatUtc(s.firstSpikeAt)}</td>
            <td className="num">—</td>
            <td className="num">—</td>
          </tr>
          <tr>
            <td>Spike detected</td>
            <td>{formatUtc(s.firstDetectedAt)}</td>
            <td className="num">{mins(minutesBetween(s.firstSpikeAt, s.firstDetectedAt))}</td>
            <td className="num">—</td>
          </tr>
          <tr>
            <td>Incident opened</td>
            <td>{formatUtc(s.openedAt)}</td>
            <td className="num">{mins(s.spikeToOpenMinutes)}</td>
            <td className="num">{mins(s.detectionToOpenMinutes)}</td>
          </tr>
          <tr>
            <td>First public update</td>
            <td>{formatUtc(s.firstUpdateAt)}</td>
            <td className="num">{mins(s.spikeToFirstUpdateMinutes)}</td>
            <td className="num">{mins(s.detectionToFirstUpdateMinutes)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function promiseResult(p: PromiseOutcome): { text: string; className: string } {
  switch (p.status) {
    case "kept":
      return {
        text: p.lateMinutes !== null && p.lateMinutes < 0 ? `kept, ${mins(-p.lateMinutes)} early` : "kept",
        className: "ok",
      };
    case "missed":
      return { text: `missed by ${mins(p.lateMinutes)}`, className: "error" };
    case "overdue":
      return { text: `overdue by ${mins(p.lateMinutes)}`, className: "error overdue" };
    case "pending":
      return { text: "not due yet", className: "muted" };
    default:
      return { text: "resolved before it was due", className: "muted" };
  }
}

export function CadenceSection({ m }: { m: IncidentMetrics }) {
  const c = m.cadence;
  return (
    <section className="metrics-section" data-testid="metrics-cadence">
      <h3>Promises kept</h3>
      <p className="metric-headline">
        <strong>
          {c.kept} of {c.judged}
        </strong>{" "}
        promised next updates went out on time ({pct(c.keptShare)})
        {c.overdue ? <span className="overdue"> · one is overdue now</span> : null}.
      </p>
      {c.promises.length ? (
        <table className="metrics-table">
          <thead>
            <tr>
              <th>Update</th>
              <th>Published</th>
              <th>Promised next by</th>
              <th>Next went out</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {c.promises.map((p) => {
              const r = promiseResult(p);
              return (
                <tr key={p.updateId} data-status={p.status}>
                  <td>#{p.number}</td>
                  <td>{hhmm(p.publishedAt)}</td>
                  <td>{hhmm(p.promisedAt)}</td>
                  <td>{p.followedAt === null ? "—" : `${hhmm(p.followedAt)} (#${p.followedBy})`}</td>
                  <td className={r.className}>{r.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted">No published update has promised a next one yet.</p>
      )}
    </section>
  );
}

function CoverageTable({ label, rows }: { label: string; rows: CoverageRow[] }) {
  return (
    <table className="metrics-table">
      <thead>
        <tr>
          <th>{label}</th>
          <th className="num">Complaints</th>
          <th className="num">Answered</th>
          <th className="num">Coverage</th>
          <th className="num">Median first reply</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((g) => (
          <tr key={g.key}>
            <td>{g.key}</td>
            <td className="num">{g.complaints}</td>
            <td className="num">{g.answered}</td>
            <td className="num">{pct(g.coverage)}</td>
            <td className="num">{mins(g.medianFirstReplyMinutes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CoverageSection({ m, limit }: { m: IncidentMetrics; limit?: number }) {
  const { overall, byRegion, bySource } = m.coverage;
  return (
    <section className="metrics-section" data-testid="metrics-coverage">
      <h3>Did we answer people?</h3>
      <p className="metric-headline">
        <strong>{pct(overall.coverage)}</strong> of {overall.complaints.toLocaleString("en-US")} complaints
        answered; median time to first reply <strong>{mins(overall.medianFirstReplyMinutes)}</strong>.
      </p>
      {byRegion.length ? (
        <div className="metrics-pair">
          <CoverageTable label="Region" rows={limit ? byRegion.slice(0, limit) : byRegion} />
          <CoverageTable label="Source" rows={limit ? bySource.slice(0, limit) : bySource} />
        </div>
      ) : null}
    </section>
  );
}

function verdictClass(e: InboundEffect) {
  return e.verdict === "fell" ? "ok" : e.verdict === "rose" ? "error" : "muted";
}

export function InboundSection({ m }: { m: IncidentMetrics }) {
  const { windowMinutes: w, effects } = m.inbound;
  return (
    <section className="metrics-section" data-testid="metrics-inbound">
      <h3>Did updates reduce inbound?</h3>
      <p className="muted small">
        Complaints in the affected cells {w} min before vs {w} min after each update (the 5-minute bucket it
        went out in left out), against the usual for those times of the week; “excess” is above the usual. A
        change is called when it is beyond chance at 95%.
      </p>
      {effects.length ? (
        <table className="metrics-table">
          <thead>
            <tr>
              <th>Update</th>
              <th className="num">Before</th>
              <th className="num">After</th>
              <th className="num">After ÷ before</th>
              <th className="num">Usual before → after</th>
              <th className="num">Excess change</th>
              <th className="num">Sentiment before → after</th>
              <th>Verdict</th>
            </tr>
          </thead>
          <tbody>
            {effects.map((e) => (
              <tr key={e.updateId} data-verdict={e.verdict}>
                <td>
                  #{e.number} {hhmm(e.publishedAt)}
                </td>
                <td className="num">{e.before.complaints}</td>
                <td className="num">{e.after.complaints}</td>
                <td className="num">{num(e.ratio)}</td>
                <td className="num">
                  {e.seasonalWeeks
                    ? `${num(e.before.expected, 1)} → ${num(e.after.expected, 1)}`
                    : "no history"}
                </td>
                <td className="num">{e.excessChange === null ? "—" : pct(e.excessChange)}</td>
                <td className="num">
                  {num(e.before.sentiment)} → {num(e.after.sentiment)}
                </td>
                <td className={verdictClass(e)}>
                  {VERDICT_LABELS[e.verdict]}
                  {e.overlapsNext ? (
                    <span className="muted small"> (next update inside the window)</span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No update has been published.</p>
      )}
    </section>
  );
}

export function DeliverySection({ m }: { m: IncidentMetrics }) {
  const { channels, subscribersReached } = m.delivery;
  return (
    <section className="metrics-section" data-testid="metrics-delivery">
      <h3>Where each copy landed</h3>
      <p className="metric-headline">
        Subscribers reached:{" "}
        <strong data-testid="subscribers-reached">{subscribersReached.toLocaleString("en-US")}</strong>
      </p>
      {channels.length ? (
        <DeliveryTable rows={channels} />
      ) : (
        <p className="muted">Nothing has been delivered yet.</p>
      )}
    </section>
  );
}
