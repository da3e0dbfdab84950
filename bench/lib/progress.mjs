/**
 * Progress display: on a terminal, one line that rewrites itself ("[1/24] scenario: row");
 * otherwise (CI, a pipe) one plain line per step, so logs stay readable.
 */
export class Progress {
  constructor(stream = process.stderr) {
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.started = performance.now();
    this.lineOpen = false;
  }

  elapsed() {
    return `${((performance.now() - this.started) / 1000).toFixed(1)}s`;
  }

  /** A step starts: `done` of `total` in `section`, doing `what`. */
  step(section, done, total, what) {
    const text = `[${this.elapsed()}] ${section} ${done + 1}/${total}: ${what}`;
    if (this.tty) {
      const width = this.stream.columns || 100;
      this.stream.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
      this.lineOpen = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** A line that stays (a note, a skip, a warning). */
  note(text) {
    this.clear();
    this.stream.write(`${text}\n`);
  }

  clear() {
    if (this.tty && this.lineOpen) {
      this.stream.write('\r\x1b[2K');
      this.lineOpen = false;
    }
  }
}
