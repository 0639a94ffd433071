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
    const w = canvas.width, h = canvas.height, pad = 34;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = '#ccc';
    ctx.strokeRect(pad, 8, w - pad - 8, h - pad);
    const maxX = Math.max(1e-9, ...this.points.map((p) => p[0]));
    const maxY = Math.max(1e-9, ...this.points.map((p) => p[1]));
    ctx.fillStyle = '#333';
    ctx.font = '11px sans-serif';
    ctx.fillText(`${this.label} (max ${fmt(maxY)} ${this.unit})`, pad + 4, 20);
    ctx.fillText(`${fmt(maxX)} ms`, w - 60, h - 8);
    if (this.points.length < 2) return;
    ctx.strokeStyle = this.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    this.points.forEach(([x, y], i) => {
      const px = pad + (x / maxX) * (w - pad - 8);
      const py = 8 + (h - pad) * (1 - y / maxY);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    });
    ctx.stroke();
  }
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(3);
}
