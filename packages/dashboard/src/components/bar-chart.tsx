/**
 * A stacked bar chart drawn as SVG (no chart library: a few hundred bytes instead of a hundred kB).
 * The numbers are also in a table for screen readers and for anyone who prefers figures.
 */
export interface BarSeries {
  key: string;
  label: string;
  colour: string;
}

export interface BarColumn {
  label: string;
  values: Record<string, number>;
}

export function StackedBarChart({
  title,
  series,
  columns,
  empty,
}: {
  title: string;
  series: BarSeries[];
  columns: BarColumn[];
  empty: string;
}) {
  if (columns.length === 0) return <p className="muted">{empty}</p>;
  const width = 640;
  const height = 200;
  const pad = { left: 36, right: 8, top: 8, bottom: 28 };
  const totals = columns.map((c) => series.reduce((sum, s) => sum + (c.values[s.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = (width - pad.left - pad.right) / columns.length;
  const barWidth = Math.max(4, Math.min(36, step * 0.7));
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const ticks = [0, Math.round(max / 2), max];
  const labelEvery = Math.ceil(columns.length / 8);
  return (
    <figure style={{ margin: 0 }}>
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${title}: chart; the same figures are in the table below it`}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.left} x2={width - pad.right} y1={y(t)} y2={y(t)} stroke="#e5e7eb" />
            <text x={pad.left - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#4b5563">
              {t}
            </text>
          </g>
        ))}
        {columns.map((c, i) => {
          const x = pad.left + i * step + (step - barWidth) / 2;
          let acc = 0;
          return (
            <g key={i}>
              {series.map((s) => {
                const v = c.values[s.key] ?? 0;
                if (v === 0) return null;
                const top = y(acc + v);
                const rect = (
                  <rect key={s.key} x={x} y={top} width={barWidth} height={y(acc) - top} fill={s.colour}>
                    <title>{`${c.label}: ${v} ${s.label}`}</title>
                  </rect>
                );
                acc += v;
                return rect;
              })}
              {i % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={height - 10} textAnchor="middle" fontSize="11" fill="#4b5563">
                  {c.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.key} style={{ ["--swatch" as string]: s.colour }}>
            {s.label}
          </span>
        ))}
      </figcaption>
      <details>
        <summary>Show the figures</summary>
        <table>
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              {series.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {columns.map((c, i) => (
              <tr key={i}>
                <th scope="row">{c.label}</th>
                {series.map((s) => (
                  <td key={s.key}>{c.values[s.key] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
