import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { Bucket } from './types.ts';
import { formatTime } from './time.ts';

/** Alerts over time as bars (uPlot); a click on a bar narrows the queue to that bucket. */
export function Histogram({ data, onSelect }: { data: { interval: number; buckets: Bucket[] }; onSelect: (from: number, to: number) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ data, onSelect });
  latest.current = { data, onSelect };

  useEffect(() => {
    const el = host.current!;
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height: 110,
      legend: { show: false },
      cursor: { y: false, points: { show: false }, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [
        {
          stroke: '#8b95a7',
          grid: { stroke: '#1f2733', width: 1 },
          ticks: { stroke: '#1f2733' },
          font: '11px system-ui',
          space: 110,
          // Hours and minutes within a day, the date when the range spans days (UTC, as everywhere in the console).
          values: (u, splits) => {
            const span = (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0);
            return splits.map((s) => (span > 86_400 ? formatTime(s * 1000).slice(5, 16) : formatTime(s * 1000).slice(11, 16)));
          },
        },
        { stroke: '#8b95a7', grid: { stroke: '#1f2733', width: 1 }, ticks: { show: false }, font: '11px system-ui', size: 40 },
      ],
      series: [{}, { label: 'alerts', stroke: '#4f8cff', fill: 'rgba(79,140,255,0.55)', width: 0, paths: uPlot.paths.bars!({ size: [0.85, 40], align: 1 }), points: { show: false } }],
    };
    plot.current = new uPlot(opts, toColumns(data.buckets), el);
    const onClick = () => {
      const u = plot.current;
      const idx = u?.cursor.idx;
      const bucket = idx == null ? undefined : latest.current.data.buckets[idx];
      if (bucket) {
        const start = Date.parse(bucket.key);
        latest.current.onSelect(start, start + latest.current.data.interval);
      }
    };
    plot.current.over.addEventListener('click', onClick);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: 110 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(toColumns(data.buckets));
  }, [data]);

  const total = data.buckets.reduce((n, b) => n + b.count, 0);
  return (
    <div class="histogram panel" title="Click a bar to narrow the queue to that time">
      <div class="panel-title">
        Alerts over time <span class="muted">({total} in {data.buckets.length} buckets of {formatInterval(data.interval)}; click a bar to zoom)</span>
      </div>
      <div ref={host} class="plot" data-testid="histogram" />
    </div>
  );
}

function toColumns(buckets: Bucket[]): uPlot.AlignedData {
  return [buckets.map((b) => Date.parse(b.key) / 1000), buckets.map((b) => b.count)];
}

function formatInterval(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.round(ms / 60_000)} min`;
}
