/** Progress of a long job: a redrawn bar with ETA on a terminal, plain lines otherwise (CI logs). */
export class Progress {
  private readonly t0 = performance.now();
  private lastLine = 0;
  private lastPct = -1;
  constructor(
    private readonly label: string,
    private total: number,
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
  ) {}

  update(done: number, note = ''): void {
    // Trials that do not count (Optuna's failed ones) can push `done` past the planned total.
    if (done > this.total) this.total = done;
    const el = (performance.now() - this.t0) / 1000;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const eta = frac > 0 ? (el / frac) * (1 - frac) : Number.NaN;
    const pct = Math.floor(frac * 100);
    const text = `${this.label} ${done}/${this.total} ${pct}% · ${el.toFixed(1)} s elapsed · ETA ${Number.isFinite(eta) ? `${eta.toFixed(1)} s` : '?'}${note ? ` · ${note}` : ''}`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round(frac * width);
      this.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\u001b[K${done >= this.total ? '\n' : ''}`);
      return;
    }
    // Plain output: at every 10% step or every 5 s, and at the end.
    if (done >= this.total || Math.floor(pct / 10) > Math.floor(this.lastPct / 10) || el - this.lastLine > 5) {
      this.write(`${text}\n`);
      this.lastLine = el;
      this.lastPct = pct;
    }
  }
}
