// Small inline SVG charts of our own (no chart library: the public pages stay small). Each is drawn at the width of
// its container (measured, so that its text keeps its size on a phone), names itself with role="img", and tells its
// series apart by pattern and by the legend's words, not by colour alone. The figures themselves are always in a
// table beside the chart (ChartFigure).
import { useId, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useI18n } from '../../i18n';
import type { Month } from './api';
import type { StatsFormat } from './format';

export type Pattern = 'solid' | 'hatch';
export interface Series {
  key: string;
  label: string;
  pattern: Pattern;
}
export interface SeriesValues extends Series {
  values: (number | null)[];
}

// Colours: the ink and the brand blue of the portal; every mark has at least 3:1 against white (WCAG 1.4.11).
const INK = '#1a1f29';
const MUTED = '#4a5361';
const GRID = '#d5dae1';
const BLUE = '#0b4f8a';
const RED = '#a1271b';
const FILL: Record<Pattern, string> = { solid: BLUE, hatch: 'url(#stats-hatch)' };
const STROKE: Record<Pattern, string> = { solid: BLUE, hatch: RED };

/** The patterns the charts and legends use; once on the page. */
export function PatternDefs() {
  return (
    <svg className="stats-defs" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
        <pattern id="stats-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="#fdecea" />
          <line x1="1.5" y1="0" x2="1.5" y2="6" stroke={RED} strokeWidth="3" />
        </pattern>
      </defs>
    </svg>
  );
}

function Swatch({ pattern }: { pattern: Pattern }) {
  return (
    <svg className="stats-swatch" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">
      <rect x="1" y="1" width="16" height="16" fill={FILL[pattern]} stroke={STROKE[pattern]} strokeWidth="2" />
    </svg>
  );
}

export function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="stats-legend">
      {series.map((s) => (
        <li key={s.key}>
          <Swatch pattern={s.pattern} /> {s.label}
        </li>
      ))}
    </ul>
  );
}

/** A figure: its caption, the legend, the chart, and the same figures as a table under "Show as table". */
export function ChartFigure({ title, note, legend, chart, table }: { title: string; note?: string; legend?: Series[]; chart: ReactNode; table: ReactNode }) {
  const { t } = useI18n();
  return (
    <figure className="stats-figure">
      <figcaption>
        <span className="stats-figure-title">{title}</span>
        {note && <span className="stats-figure-note">{note}</span>}
      </figcaption>
      {legend && <Legend series={legend} />}
      {chart}
      <details className="stats-details">
        <summary>{t('stats.chart.showTable')}</summary>
        {table}
      </details>
    </figure>
  );
}

/** "no decisions": a dash on screen, words for screen readers */
export function NoValue() {
  const { t } = useI18n();
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">{t('stats.noValue')}</span>
    </>
  );
}

export interface Column<R> {
  label: string;
  numeric?: boolean;
  cell(row: R): ReactNode;
}

/** A data table in its own scrolling container (reachable by keyboard), the first column naming each row. */
export function DataTable<R>({ caption, hideCaption, columns, rows, rowKey, total }: {
  caption: string;
  /** the caption only for screen readers (the figure's caption says it already) */
  hideCaption?: boolean;
  columns: Column<R>[];
  rows: R[];
  rowKey(row: R): string;
  total?: { label: string; row: R };
}) {
  const id = useId();
  const cells = (row: R, head: ReactNode) =>
    columns.map((c, i) =>
      i === 0 ? (
        <th key={i} scope="row">
          {head}
        </th>
      ) : (
        <td key={i} className={c.numeric ? 'num' : undefined} data-label={c.label}>
          {c.cell(row)}
        </td>
      ),
    );
  return (
    <div className="stats-table-wrap" role="region" aria-labelledby={id} tabIndex={0}>
      <table className="stats-table">
        <caption id={id} className={hideCaption ? 'visually-hidden' : undefined}>
          {caption}
        </caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>{cells(r, columns[0].cell(r))}</tr>
          ))}
        </tbody>
        {total && (
          <tfoot>
            <tr>{cells(total.row, total.label)}</tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

/** The width of the element, followed as it changes. */
function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setWidth(Math.floor(el.clientWidth));
    update();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** Rounded axis: its top and its ticks from 0 (whole numbers only when `integer`). */
export function niceScale(max: number, integer: boolean, count = 4): { max: number; ticks: number[] } {
  const top0 = max > 0 ? max : integer ? count : 1;
  const raw = top0 / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude;
  if (integer) step = Math.max(1, Math.ceil(step));
  const top = Math.ceil(top0 / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + 1e-9; i++) ticks.push(Math.round(i * step * 1e6) / 1e6);
  return { max: top, ticks };
}

/** about how wide a text is drawn (system sans-serif) */
const textWidth = (text: string, size = 12) => text.length * size * 0.6;

const FONT = 12;

interface MonthChartProps {
  kind: 'bars' | 'line';
  months: Month[];
  /** bars: stacked series, bottom first; line: one series (null: no value, a gap in the line) */
  series: SeriesValues[];
  /** the accessible name of the chart */
  label: string;
  yTitle: string;
  xTitle: string;
  /** a fixed top of the value axis (100 for percentages) */
  yMax?: number;
  integer: boolean;
  tick(n: number): string;
  value(n: number): string;
  f: StatsFormat;
}

/** Months along the bottom, values up the side: stacked bars or a line with points. */
export function MonthChart({ kind, months, series, label, yTitle, xTitle, yMax, integer, tick, value, f }: MonthChartProps) {
  const [ref, width] = useWidth();
  const height = 280;
  const totals = months.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const scale = niceScale(yMax ?? Math.max(0, ...totals), integer);
  const top = 32;
  const bottom = 64;
  const left = Math.max(28, ...scale.ticks.map((v) => textWidth(tick(v)))) + 12;
  const right = 12;
  const plotW = Math.max(10, width - left - right);
  const plotH = height - top - bottom;
  const n = Math.max(1, months.length);
  const band = plotW / n;
  const cx = (i: number) => left + band * i + band / 2;
  const y = (v: number) => top + plotH - (v / scale.max) * plotH;
  const labelW = Math.max(...months.map((m) => textWidth(f.monthShort(m)))) + 8;
  const every = Math.max(1, Math.ceil(labelW / band));
  const barW = Math.min(48, band * 0.7);
  // The values over the marks: on all of them when every one fits, else on none (the table has them all).
  const labelsFit = months.every((_, i) => {
    const v = kind === 'bars' ? totals[i] : series[0].values[i];
    return v === null || v <= 0 || band >= textWidth(value(v), 11) + 6;
  });

  let lastYear = '';
  const xLabels = months.map((m, i) => {
    if (i % every !== 0) return null;
    const year = f.year(m);
    const showYear = year !== lastYear;
    lastYear = year;
    return (
      <g key={m}>
        <text x={cx(i)} y={top + plotH + 18} textAnchor="middle" fill={INK}>
          {f.monthShort(m)}
        </text>
        {showYear && (
          <text x={cx(i)} y={top + plotH + 34} textAnchor="middle" fill={MUTED}>
            {year}
          </text>
        )}
      </g>
    );
  });

  const marks: ReactNode[] = [];
  if (kind === 'bars') {
    months.forEach((m, i) => {
      let sum = 0;
      series.forEach((s) => {
        const v = s.values[i] ?? 0;
        if (v <= 0) return;
        marks.push(
          <rect key={`${m}-${s.key}`} x={cx(i) - barW / 2} y={y(sum + v)} width={barW} height={Math.max(1, y(sum) - y(sum + v))} fill={FILL[s.pattern]} stroke={STROKE[s.pattern]} strokeWidth="1.5">
            <title>{`${f.month(m)} — ${s.label}: ${value(v)}`}</title>
          </rect>,
        );
        sum += v;
      });
      const text = value(totals[i]);
      if (totals[i] > 0 && labelsFit)
        marks.push(
          <text key={`${m}-total`} x={cx(i)} y={y(totals[i]) - 5} textAnchor="middle" fontSize="11" fill={INK}>
            {text}
          </text>,
        );
    });
  } else {
    const s = series[0];
    let d = '';
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        drawing = false;
        return;
      }
      d += `${drawing ? 'L' : 'M'}${cx(i).toFixed(1)} ${y(v).toFixed(1)} `;
      drawing = true;
    });
    marks.push(<path key="line" d={d.trim()} fill="none" stroke={BLUE} strokeWidth="2.5" strokeLinejoin="round" />);
    s.values.forEach((v, i) => {
      if (v === null) return;
      marks.push(
        <circle key={`p-${months[i]}`} cx={cx(i)} cy={y(v)} r="4" fill="#fff" stroke={BLUE} strokeWidth="2.5">
          <title>{`${f.month(months[i])}: ${value(v)}`}</title>
        </circle>,
      );
      const text = value(v);
      if (labelsFit)
        marks.push(
          <text key={`v-${months[i]}`} x={cx(i)} y={y(v) - 9} textAnchor="middle" fontSize="11" fill={INK}>
            {text}
          </text>,
        );
    });
  }

  return (
    <div ref={ref} className="stats-plot">
      {width > 0 && (
        <svg role="img" aria-label={label} width="100%" height={height} viewBox={`0 0 ${width} ${height}`} fontSize={FONT} focusable="false">
          <text x="0" y="14" fontWeight="600" fill={INK}>
            {yTitle}
          </text>
          {scale.ticks.map((v) => (
            <g key={v}>
              <line x1={left} x2={left + plotW} y1={y(v)} y2={y(v)} stroke={GRID} />
              <text x={left - 6} y={y(v)} dy="0.35em" textAnchor="end" fill={MUTED}>
                {tick(v)}
              </text>
            </g>
          ))}
          <line x1={left} x2={left} y1={top} y2={top + plotH} stroke={MUTED} />
          {marks}
          <line x1={left} x2={left + plotW} y1={top + plotH} y2={top + plotH} stroke={MUTED} />
          {xLabels}
          <text x={left + plotW / 2} y={height - 6} textAnchor="middle" fontWeight="600" fill={INK}>
            {xTitle}
          </text>
        </svg>
      )}
    </div>
  );
}

interface BarRow {
  key: string;
  label: string;
  /** one value per series, stacked left to right */
  values: number[];
}

/** Horizontal stacked bars, one per row, the row's name above its bar and its total at the bar's end. */
export function HBarChart({ rows, series, label, xTitle, tick, value }: { rows: BarRow[]; series: Series[]; label: string; xTitle: string; tick(n: number): string; value(n: number): string }) {
  const [ref, width] = useWidth();
  const totals = rows.map((r) => r.values.reduce((a, b) => a + b, 0));
  const scale = niceScale(Math.max(0, ...totals), true);
  const rowH = 50;
  const top = 4;
  const height = top + rows.length * rowH + 44;
  const right = Math.max(...totals.map((v) => textWidth(value(v)))) + 14;
  const left = 1;
  const plotW = Math.max(10, width - left - right);
  const x = (v: number) => left + (v / scale.max) * plotW;
  const axisY = top + rows.length * rowH;
  const maxChars = Math.max(8, Math.floor(width / (13 * 0.6)));

  return (
    <div ref={ref} className="stats-plot">
      {width > 0 && (
        <svg role="img" aria-label={label} width="100%" height={height} viewBox={`0 0 ${width} ${height}`} fontSize={FONT} focusable="false">
          {scale.ticks.map((v, i) => (
            <g key={v}>
              <line x1={x(v)} x2={x(v)} y1={top} y2={axisY} stroke={GRID} />
              <text x={x(v)} y={axisY + 16} textAnchor={i === 0 ? 'start' : 'middle'} fill={MUTED}>
                {tick(v)}
              </text>
            </g>
          ))}
          {rows.map((r, ri) => {
            const y0 = top + ri * rowH;
            const name = r.label.length > maxChars ? `${r.label.slice(0, maxChars - 1)}…` : r.label;
            let sum = 0;
            return (
              <g key={r.key}>
                <title>{`${r.label}: ${value(totals[ri])}`}</title>
                <text x={left} y={y0 + 16} fontSize="13" fill={INK}>
                  {name}
                </text>
                {r.values.map((v, si) => {
                  if (v <= 0) return null;
                  const s = series[si];
                  const rect = <rect key={s.key} x={x(sum)} y={y0 + 22} width={Math.max(1, x(sum + v) - x(sum))} height="20" fill={FILL[s.pattern]} stroke={STROKE[s.pattern]} strokeWidth="1.5" />;
                  sum += v;
                  return rect;
                })}
                <text x={x(totals[ri]) + 6} y={y0 + 32} dy="0.35em" fill={INK} fontWeight="600">
                  {value(totals[ri])}
                </text>
              </g>
            );
          })}
          <line x1={left} x2={left + plotW} y1={axisY} y2={axisY} stroke={MUTED} />
          <text x={left + plotW / 2} y={height - 6} textAnchor="middle" fontWeight="600" fill={INK}>
            {xTitle}
          </text>
        </svg>
      )}
    </div>
  );
}
