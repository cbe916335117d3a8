/**
 * The benchmark's peer, run in the same headless Chromium: Chart.js drawing all 43,200 points of the
 * long series as they are, without downsampling, with the same Chart.js parts and options (no
 * animation, no parsing). Reports its timings on `window.peerResult`.
 */
import { Chart, LinearScale, LineController, LineElement, PointElement } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale);

declare global {
  interface Window {
    peerResult?: { first: number; updates: number[] };
    peerSeries: { t: number[]; v: number[] };
  }
}

const { t, v } = window.peerSeries;
const canvas = document.getElementById('peer') as HTMLCanvasElement;
const points = (shift: number) => t.map((at, index) => ({ x: at + shift, y: v[(index + shift / 60_000) % v.length] as number }));
const started = performance.now();
const chart = new Chart(canvas, {
  type: 'line',
  data: { datasets: [{ data: points(0), borderWidth: 1.75, pointRadius: 0, borderColor: '#3794ff' }] },
  options: {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    scales: { x: { type: 'linear' }, y: { type: 'linear', beginAtZero: true } },
  },
});
const first = performance.now() - started;
const updates: number[] = [];
for (let round = 1; round <= 20; round++) {
  // Timed from the arrays, as the panel's redraw is: turning them into points is part of the cost.
  const before = performance.now();
  (chart.data.datasets[0] as { data: unknown }).data = points(round * 60_000);
  chart.update('none');
  updates.push(performance.now() - before);
}
window.peerResult = { first, updates };
