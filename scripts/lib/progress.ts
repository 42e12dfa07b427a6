/**
 * Progress lines of the long runs (the full benchmark, `npm run test:long`), one format for both:
 * `[bench 83.4s] 2/5 pipeline: 3000 webhooks accepted, draining`. Written to stderr, so that what a
 * run prints on stdout (the benchmark's table) stays clean to redirect.
 */

/** `12.3s` under a minute, `14m05s` beyond. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/** One line: `[label elapsed] text`. */
export function progressLine(label: string, elapsedMs: number, text: string): string {
  return `[${label} ${formatElapsed(elapsedMs)}] ${text}\n`;
}

export interface Progress {
  /** Starts phase n of N (counted here) and prints `n/N name: detail`. */
  phase(name: string, detail?: string): void;
  /** A line inside the current phase, `n/N text` (the text names its own context). */
  note(text: string): void;
}

/** A printer for a run of `total` phases; the clock starts when it is made. */
export function progress(label: string, total: number, options: { write?: (line: string) => void; now?: () => number } = {}): Progress {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? Date.now;
  const started = now();
  let n = 0;
  const line = (text: string) => write(progressLine(label, now() - started, text));
  return {
    phase(name, detail) {
      n += 1;
      line(`${n}/${total} ${name}${detail ? `: ${detail}` : ''}`);
    },
    note(text) {
      line(n > 0 ? `${n}/${total} ${text}` : text);
    },
  };
}
