import { Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { IncidentMetrics } from "~/domain/metrics/incident";
import { formatMinutes, formatPercent } from "~/domain/metrics/stats";
import {
  CadenceSection,
  CoverageSection,
  DeliverySection,
  InboundSection,
  SpeedSection,
} from "../metrics/incident-sections";
import type { RoomPanelProps } from "./types";

/** Re-read the metrics at most this often while the room updates live (they are aggregates). */
const REFRESH_MS = 30_000;

/**
 * How the communication is going, live: the incident's comms metrics (GET /incidents/:id/metrics) read
 * when the room opens and again, at most every 30 seconds, when the room's data changes. It reads them
 * itself so the room's loader stays as fast as it is; the full story is the report.
 */
export function MetricsPanel({ room, comms }: RoomPanelProps) {
  const id = room.incident.id;
  const [metrics, setMetrics] = useState<IncidentMetrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const last = useRef(0);
  // Changes whenever the room is re-read (every live event), so the metrics follow it.
  const version = comms.renderedAt;

  useEffect(() => {
    void version;
    const wait = Math.max(0, last.current + REFRESH_MS - Date.now());
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      last.current = Date.now();
      try {
        const response = await fetch(`/incidents/${id}/metrics`, { signal: controller.signal });
        if (!response.ok) {
          const body = (await response.json().catch(() => null)) as { error?: string } | null;
          setError(body?.error ?? `The metrics could not be read (${response.status}).`);
          return;
        }
        setMetrics((await response.json()) as IncidentMetrics);
        setError(null);
      } catch (e) {
        if ((e as Error).name !== "AbortError")
          setError("The metrics could not be read; they will be tried again.");
      }
    }, wait);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [id, version]);

  return (
    <section className="panel" data-testid="metrics-panel">
      <h2>Comms metrics</h2>
      {error ? <p className="error">{error}</p> : null}
      {!metrics ? (
        <p className="muted">Measuring…</p>
      ) : (
        <>
          <ul className="metrics-headlines">
            <li>
              First public update:{" "}
              <strong>
                {metrics.speed.firstUpdateAt !== null
                  ? formatMinutes(metrics.speed.timeToFirstUpdateMinutes)
                  : metrics.speed.silentMinutes !== null
                    ? `none yet (${formatMinutes(metrics.speed.silentMinutes)} silent)`
                    : "none"}
              </strong>
            </li>
            <li>
              Promises kept:{" "}
              <strong>
                {metrics.cadence.kept} / {metrics.cadence.judged}
              </strong>
              {metrics.cadence.overdue ? <strong className="overdue"> · next update overdue</strong> : null}
            </li>
            <li>
              Answered: <strong>{formatPercent(metrics.coverage.overall.coverage)}</strong> (median first
              reply {formatMinutes(metrics.coverage.overall.medianFirstReplyMinutes)})
            </li>
            <li>
              Subscribers reached: <strong>{metrics.delivery.subscribersReached}</strong>
            </li>
          </ul>
          <details>
            <summary>Details</summary>
            <SpeedSection m={metrics} />
            <CadenceSection m={metrics} />
            <CoverageSection m={metrics} limit={5} />
            <InboundSection m={metrics} />
            <DeliverySection m={metrics} />
          </details>
        </>
      )}
      <p>
        <Link to={`/incidents/${id}/report`} data-testid="report-link">
          Post-incident comms report →
        </Link>
      </p>
    </section>
  );
}
