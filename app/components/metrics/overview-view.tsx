/**
 * /metrics: comms metrics across incidents — the filters, the period in headline numbers, trends by
 * month and severity, channel reliability, the team's workload and every incident's line, each table
 * downloadable as CSV. Presentational: the overview arrives in props.
 */
import { Form, Link } from "@remix-run/react";
import { EmptyState } from "~/components/empty-state";
import { formatMinutes, formatPercent } from "~/domain/metrics/stats";
import { channelLabel } from "~/domain/metrics/summaries";
import { pivotByMonth } from "~/domain/metrics/trends";
import type { MetricsOverview } from "~/services/metrics-overview.server";
import { SEVERITIES } from "~db/schema/enums";
import { DeliveryChart, TrendChart, WorkloadChart } from "./charts";
import { DeliveryTable } from "./delivery-table";

interface Props {
  values: Record<string, string>;
  errors: Record<string, string>;
  overview: MetricsOverview | null;
  query: string;
}

function FieldError({ message }: { message?: string }) {
  return message ? (
    <div className="field-error" role="alert">
      {message}
    </div>
  ) : null;
}

function Filters({ values, errors }: Pick<Props, "values" | "errors">) {
  return (
    <Form method="get" className="filters panel" data-testid="metrics-filters">
      <label>
        From
        <input type="date" name="from" defaultValue={values.from ?? ""} />
        <FieldError message={errors.from} />
      </label>
      <label>
        To
        <input type="date" name="to" defaultValue={values.to ?? ""} />
        <FieldError message={errors.to} />
      </label>
      <label>
        Region
        <input name="region" defaultValue={values.region ?? ""} placeholder="any, e.g. CA" size={8} />
        <FieldError message={errors.region} />
      </label>
      <label>
        Severity
        <select name="severity" defaultValue={values.severity ?? ""}>
          <option value="">any</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <FieldError message={errors.severity} />
      </label>
      <button type="submit">Show</button>
    </Form>
  );
}

function Csv({ query, table }: { query: string; table: string }) {
  return (
    <a className="small" href={`/metrics.csv?${query}&table=${table}`} download data-testid={`csv-${table}`}>
      CSV
    </a>
  );
}

export function MetricsOverviewView({ values, errors, overview, query }: Props) {
  return (
    <div data-testid="metrics-page">
      <h1>Metrics</h1>
      <p className="muted">
        How fast we spoke, whether we kept our promised update times, how many people we answered and where
        each copy landed, over the incidents that started in the period.
      </p>
      <Filters values={values} errors={errors} />
      {!overview ? (
        <p className="form-error" role="alert">
          Fix the filters above to see the metrics.
        </p>
      ) : overview.incidents.length === 0 ? (
        <EmptyState title="No incidents in this period">
          <p>Metrics appear once an incident has started in the period (and region and severity) chosen.</p>
        </EmptyState>
      ) : (
        <Overview overview={overview} query={query} />
      )}
    </div>
  );
}

function Overview({ overview: o, query }: { overview: MetricsOverview; query: string }) {
  const firstUpdate = pivotByMonth(o.trends, (r) => r.medianTimeToFirstUpdateMinutes);
  const kept = pivotByMonth(o.trends, (r) =>
    r.cadenceKept === null ? null : Math.round(r.cadenceKept * 100),
  );
  const covered = pivotByMonth(o.trends, (r) => (r.coverage === null ? null : Math.round(r.coverage * 100)));
  return (
    <>
      {o.truncated ? (
        <p className="warning">More incidents than can be measured at once: the newest 2,000 are shown.</p>
      ) : null}
      <section className="kpis" aria-label="The period in numbers">
        <div className="kpi">
          <div className="kpi-label">Incidents</div>
          <div className="kpi-value">{o.overall.incidents}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Median time to first update</div>
          <div className="kpi-value">{formatMinutes(o.overall.medianTimeToFirstUpdateMinutes)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Promised updates on time</div>
          <div className="kpi-value">{formatPercent(o.overall.cadenceKept)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Complaints answered</div>
          <div className="kpi-value">{formatPercent(o.overall.coverage)}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">Subscribers reached</div>
          <div className="kpi-value">{o.subscribersReached.toLocaleString("en-US")}</div>
        </div>
      </section>

      <section className="panel">
        <h2>
          Trends by month and severity <Csv query={query} table="trends" />
        </h2>
        <div className="metrics-pair">
          <TrendChart
            {...firstUpdate}
            unit="m"
            width="fill"
            label="Median minutes to the first public update"
            testId="trend-first-update"
          />
          <TrendChart
            {...kept}
            unit="%"
            width="fill"
            label="Promised next updates on time (%)"
            testId="trend-cadence"
          />
          <TrendChart
            {...covered}
            unit="%"
            width="fill"
            label="Complaints answered (%)"
            testId="trend-coverage"
          />
        </div>
        <table className="metrics-table" data-testid="trends-table">
          <thead>
            <tr>
              <th>Month</th>
              <th>Severity</th>
              <th className="num">Incidents</th>
              <th className="num">Median to first update</th>
              <th className="num">Promises kept</th>
              <th className="num">Complaints answered</th>
            </tr>
          </thead>
          <tbody>
            {o.trends.map((r) => (
              <tr key={`${r.month}-${r.severity}`}>
                <td>{r.month}</td>
                <td>
                  <span className={`badge sev-${r.severity}`}>{r.severity}</span>
                </td>
                <td className="num">{r.incidents}</td>
                <td className="num">
                  {formatMinutes(r.medianTimeToFirstUpdateMinutes)}
                  {r.withoutUpdate ? <span className="muted small"> ({r.withoutUpdate} without)</span> : null}
                </td>
                <td className="num">
                  {formatPercent(r.cadenceKept)} <span className="muted small">of {r.promisesJudged}</span>
                </td>
                <td className="num">
                  {formatPercent(r.coverage)} <span className="muted small">of {r.complaints}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h2>
          Channel reliability <Csv query={query} table="channels" />
        </h2>
        <DeliveryChart width="fill" rows={o.channels.map((c) => ({ ...c, label: channelLabel(c) }))} />
        <DeliveryTable rows={o.channels} testId="channels-table" />
      </section>

      <section className="panel">
        <h2>
          Reply workload by team member <Csv query={query} table="workload" />
        </h2>
        <WorkloadChart width="fill" rows={o.workload} />
        <table className="metrics-table" data-testid="workload-table">
          <thead>
            <tr>
              <th>Person</th>
              <th className="num">Replies</th>
              <th className="num">Sends</th>
              <th className="num">Incidents</th>
              <th className="num">Median reply after</th>
              <th className="num">Updates written</th>
              <th className="num">Updates approved</th>
            </tr>
          </thead>
          <tbody>
            {o.workload.map((w) => (
              <tr key={w.userId ?? "none"}>
                <td>{w.name}</td>
                <td className="num">{w.replies}</td>
                <td className="num">{w.sends}</td>
                <td className="num">{w.incidents}</td>
                <td className="num">{formatMinutes(w.medianReplyMinutes)}</td>
                <td className="num">{w.updatesAuthored}</td>
                <td className="num">{w.updatesApproved}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h2>
          Incidents <Csv query={query} table="incidents" />
        </h2>
        <table className="metrics-table" data-testid="incidents-table">
          <thead>
            <tr>
              <th>Incident</th>
              <th>Severity</th>
              <th className="num">To first update</th>
              <th className="num">Promises kept</th>
              <th className="num">Answered</th>
              <th className="num">Median first reply</th>
              <th>Report</th>
            </tr>
          </thead>
          <tbody>
            {[...o.incidents].reverse().map((l) => (
              <tr key={l.id}>
                <td>
                  <Link to={`/incidents/${l.id}`}>
                    #{l.id} {l.title}
                  </Link>
                  <div className="muted small">
                    {new Date(l.startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC
                  </div>
                </td>
                <td>
                  <span className={`badge sev-${l.severity}`}>{l.severity}</span>
                </td>
                <td className="num">{formatMinutes(l.timeToFirstUpdateMinutes)}</td>
                <td className="num">
                  {l.promisesKept} / {l.promisesJudged}
                </td>
                <td className="num">
                  {formatPercent(l.coverage)} <span className="muted small">of {l.complaints}</span>
                </td>
                <td className="num">{formatMinutes(l.medianFirstReplyMinutes)}</td>
                <td>
                  <Link to={`/incidents/${l.id}/report`}>Report</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
