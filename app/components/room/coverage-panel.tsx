import type { RoomPanelProps } from "./types";

/** Response coverage: complaints and answers per region. */
export function CoveragePanel({ room }: RoomPanelProps) {
  return (
    <section className="panel">
      <h2>Response coverage</h2>
      {room.coverage.length === 0 ? (
        <p className="muted">No complaints have been placed in this incident yet.</p>
      ) : (
        <table data-testid="coverage">
          <thead>
            <tr>
              <th>Region</th>
              <th className="num">Complaints</th>
              <th className="num">Answered</th>
              <th>Coverage</th>
            </tr>
          </thead>
          <tbody>
            {room.coverage.map((c) => {
              const pct = c.complaints ? Math.round((100 * c.answered) / c.complaints) : 0;
              return (
                <tr key={c.region}>
                  <td>{c.region}</td>
                  <td className="num">{c.complaints}</td>
                  <td className="num">{c.answered}</td>
                  <td>
                    <div className="bar" title={`${pct}%`}>
                      <span style={{ width: `${Math.min(100, pct)}%` }} />
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
