// A small live line chart on a canvas: no dependency, redrawn on each sample.

export class LineChart {
  private points: [number, number][] = [];
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly label: string, private readonly unit: string, private readonly color: string) {
    this.ctx = canvas.getContext('2d')!;
    this.draw();
  }

  reset(): void {
    this.points = [];
    this.draw();
  }

  add(x: number, y: number): void {
    if (Number.isFinite(x) && Number.isFinite(y)) this.points.push([x, y]);
  }

  get count(): number {
    return this.points.length;
  }

  draw(): void {
    const { ctx, canvas } = this;
    const w = canvas.width, h = canvas.height;
    // Plot area: room on the left for the y labels, below for the x labels, above for the title.
    const left = 46, right = 10, top = 22, bottom = 26;
    const pw = w - left - right, ph = h - top - bottom;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    const rawX = Math.max(1e-9, ...this.points.map((p) => p[0]));
    const rawY = Math.max(1e-9, ...this.points.map((p) => p[1]));
    // Round axes with headroom, so the largest value (e.g. a flat RTT) sits below the top edge.
    const xs = niceScale(rawX), ys = niceScale(rawY * 1.1);
    ctx.font = '11px sans-serif';
    ctx.lineWidth = 1;
    // Grid and tick labels.
    ctx.strokeStyle = '#eee';
    ctx.fillStyle = '#555';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let v = 0; v <= ys.max + ys.step / 2; v += ys.step) {
      const py = top + ph * (1 - v / ys.max);
      ctx.beginPath(); ctx.moveTo(left, py); ctx.lineTo(left + pw, py); ctx.stroke();
      ctx.fillText(fmt(v), left - 4, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let v = 0; v <= xs.max + xs.step / 2; v += xs.step) {
      const px = left + pw * (v / xs.max);
      ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, top + ph); ctx.stroke();
      // The last label ends at the axis's end rather than past the canvas edge.
      ctx.textAlign = v + xs.step > xs.max + xs.step / 2 ? 'right' : 'center';
      ctx.fillText(fmt(v), v === 0 ? px + 2 : px, top + ph + 4);
    }
    // Axes.
    ctx.strokeStyle = '#888';
    ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, top + ph); ctx.lineTo(left + pw, top + ph); ctx.stroke();
    ctx.fillStyle = '#333';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(`${this.label} (${this.unit}; latest ${this.points.length ? fmt(this.points[this.points.length - 1][1]) : '-'}, max ${fmt(rawY)})`, left, 14);
    ctx.textAlign = 'right';
    ctx.fillText('time (ms)', w - right, h - 2);
    if (this.points.length < 2) return;
    ctx.strokeStyle = this.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    this.points.forEach(([x, y], i) => {
      const px = left + (x / xs.max) * pw;
      const py = top + ph * (1 - y / ys.max);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    });
    ctx.stroke();
  }
}

/** An axis from 0 to a round maximum in about four round steps (1, 2 or 5 × 10^n). */
export function niceScale(max: number, ticks = 4): { max: number; step: number } {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

function fmt(v: number): string {
  return v === 0 ? '0' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3);
}
