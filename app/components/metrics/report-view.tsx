/**
 * The post-incident comms report page: the incident, the headline numbers, the charts, each metric's
 * table, the published updates and the timeline. Laid out for the screen and, with report.css, for a
 * clean print to PDF (A4 or Letter). Presentational: the report arrives in props.
 */
import { Form, Link } from "@remix-run/react";
import { INBOUND_WINDOW_CHOICES } from "~/domain/metrics/inbound";
import { CATEGORY_LABELS, type IncidentReport } from "~/domain/metrics/report";
import { formatMinutes, formatPercent, formatUtc } from "~/domain/metrics/stats";
import { channelLabel } from "~/domain/metrics/summaries";
import { CadenceChart, CoverageChart, DeliveryChart, InboundVolumeChart } from "./charts";
import {
  CadenceSection,
  CoverageSection,
  DeliverySection,
  InboundSection,
  SpeedSection,
} from "./incident-sections";

function Figure({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="kpi">
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {note ? <div className="kpi-note muted small">{note}</div> : null}
    </div>
  );
}

export function ReportView({ report }: { report: IncidentReport }) {
  const { incident: i, metrics: m } = report;
  const markers = report.updates.map((u) => ({ t: u.publishedAt, label: `#${u.number}` }));
  const mdHref = `/incidents/${i.id}/report.md?window=${m.inbound.windowMinutes}`;
  return (
    <article className="report" data-testid="incident-report">
      <header className="report-head">
        <p className="report-kicker muted">Post-incident comms report</p>
        <h1>
          #{i.id} {i.title}
        </h1>
        <p className="report-meta">
          <span className={`badge sev-${i.severity}`}>{i.severity}</span>{" "}
          <span className={`badge state-${i.state}`}>{i.state}</span> · regions {i.regions.join(", ") || "—"}{" "}
          · topics {i.topics.join(", ") || "any"} · commander {i.commander ?? "—"} · cadence{" "}
          {i.cadenceMinutes} min
        </p>
        <p className="report-meta muted">
          Started {formatUtc(i.startedAt)} · opened {formatUtc(i.openedAt)} · resolved{" "}
          {formatUtc(i.resolvedAt)} · measured {formatUtc(m.generatedAt)}
        </p>
        {i.summary ? <p className="report-summary">{i.summary}</p> : null}
        <div className="report-actions no-print">
          <button type="button" className="primary" onClick={() => window.print()}>
            Print / save as PDF
          </button>
          <a className="button" href={mdHref} download data-testid="report-markdown">
            Download Markdown
          </a>
          <Form method="get" className="inline-form">
            <label htmlFor="window">Before/after window</label>
            <select id="window" name="window" defaultValue={String(m.inbound.windowMinutes)}>
              {INBOUND_WINDOW_CHOICES.map((w) => (
                <option key={w} value={w}>
                  {w} min
                </option>
              ))}
            </select>
            <button type="submit">Apply</button>
          </Form>
          <Link to={`/incidents/${i.id}`}>← Back to the room</Link>
        </div>
      </header>

      <section className="report-section kpis" aria-label="Headline numbers">
        <Figure
          label="First public update"
          value={
            m.speed.firstUpdateAt !== null
              ? formatMinutes(m.speed.timeToFirstUpdateMinutes)
              : m.speed.silentMinutes !== null
                ? "none yet"
                : "none"
          }
          note={m.speed.reference === "spike" ? "after the first spike began" : "after the incident began"}
        />
        <Figure
          label="Promises kept"
          value={`${m.cadence.kept} / ${m.cadence.judged}`}
          note={formatPercent(m.cadence.keptShare)}
        />
        <Figure
          label="Complaints answered"
          value={formatPercent(m.coverage.overall.coverage)}
          note={`median first reply ${formatMinutes(m.coverage.overall.medianFirstReplyMinutes)}`}
        />
        <Figure label="Subscribers reached" value={m.delivery.subscribersReached.toLocaleString("en-US")} />
      </section>

      <section className="report-section">
        <h2>Complaints and updates</h2>
        <InboundVolumeChart
          points={report.chart.points}
          markers={markers}
          stepMinutes={report.chart.stepMinutes}
          seasonalWeeks={report.chart.seasonalWeeks}
        />
      </section>
      <section className="report-section">
        <SpeedSection m={m} />
      </section>
      <section className="report-section">
        <CadenceSection m={m} />
        <CadenceChart promises={m.cadence.promises} />
      </section>
      <section className="report-section">
        <InboundSection m={m} />
      </section>
      <section className="report-section">
        <CoverageSection m={m} />
        <CoverageChart rows={m.coverage.byRegion} />
      </section>
      <section className="report-section">
        <DeliverySection m={m} />
        <DeliveryChart rows={m.delivery.channels.map((d) => ({ ...d, label: channelLabel(d) }))} />
      </section>

      <section className="report-section report-updates">
        <h2>Published updates</h2>
        {report.updates.length === 0 ? <p className="muted">None.</p> : null}
        {report.updates.map((u) => (
          <div key={u.number} className="report-update">
            <h3>
              #{u.number} {u.title} <span className="muted small">({u.kind})</span>
            </h3>
            <p className="muted small">
              {formatUtc(u.publishedAt)}
              {u.author ? ` · by ${u.author}` : ""}
              {u.approver ? ` · approved by ${u.approver}` : ""}
              {u.nextUpdateAt ? ` · next update promised by ${formatUtc(u.nextUpdateAt)}` : ""}
            </p>
            <blockquote>{u.body}</blockquote>
          </div>
        ))}
      </section>

      <section className="report-timeline">
        <h2>Timeline</h2>
        <table className="metrics-table" data-testid="report-timeline">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>What</th>
              <th>Event</th>
              <th>Who</th>
            </tr>
          </thead>
          <tbody>
            {report.timeline.entries.map((e) => (
              <tr key={e.id} className={`tl-${e.category}`}>
                <td className="nowrap">{formatUtc(e.at).replace(" UTC", "")}</td>
                <td>{CATEGORY_LABELS[e.category]}</td>
                <td>{e.message}</td>
                <td>{e.actor ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {report.timeline.total > report.timeline.entries.length ? (
          <p className="muted small">
            {report.timeline.total - report.timeline.entries.length} later events are not shown.
          </p>
        ) : null}
      </section>
    </article>
  );
}
