/**
 * A one-line progress bar on stderr (stdout stays clean for piping). On a terminal it redraws in
 * place; otherwise it prints a line per quarter, so logs stay short.
 */
export class ProgressBar {
  private lastQuarter = new Map<string, number>();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  update(step: string, fraction: number, detail = ''): void {
    const f = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(f * this.width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${String(Math.round(f * 100)).padStart(3)}%`;
    const lineText = `${bar} ${step}${detail ? `  ${detail}` : ''}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${lineText.slice(0, (this.stream.columns || 120) - 1).padEnd(Math.min(119, (this.stream.columns || 120) - 1))}`);
      if (f >= 1) this.stream.write('\n');
      return;
    }
    const quarter = Math.floor(f * 4);
    if (this.lastQuarter.get(step) === quarter) return;
    this.lastQuarter.set(step, quarter);
    this.stream.write(`${lineText}\n`);
  }

  message(text: string): void {
    this.stream.write(`${this.stream.isTTY ? '\r' : ''}${text}\n`);
  }
}
