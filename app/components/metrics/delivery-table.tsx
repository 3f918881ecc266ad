import { formatPercent } from "~/domain/metrics/stats";
import { type ChannelReliability, PURPOSE_LABELS } from "~/domain/metrics/summaries";

/** Delivery outcomes per purpose × channel: the incident report's and /metrics' reliability table. */
export function DeliveryTable({ rows, testId }: { rows: readonly ChannelReliability[]; testId?: string }) {
  return (
    <table className="metrics-table" data-testid={testId}>
      <thead>
        <tr>
          <th>What</th>
          <th>Channel</th>
          <th className="num">Sent</th>
          <th className="num">Failed</th>
          <th className="num">Unknown</th>
          <th className="num">Pending</th>
          <th className="num">Success</th>
          <th className="num">Median time to send</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={`${d.purpose}-${d.channel}`}>
            <td>{PURPOSE_LABELS[d.purpose]}</td>
            <td>{d.channel}</td>
            <td className="num">{d.sent}</td>
            <td className="num">{d.failed}</td>
            <td className="num">{d.unknown}</td>
            <td className="num">{d.pending}</td>
            <td className="num">{formatPercent(d.successRate)}</td>
            <td className="num">
              {d.medianLatencySeconds === null ? "—" : `${Number(d.medianLatencySeconds.toFixed(1))} s`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
