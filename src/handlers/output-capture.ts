import { redactText } from '../redaction/redact-text.ts';
import type { RunLogger } from './base-handler.ts';

const MAX_LINE_CHARS = 2000;

/**
 * Whether a run-log line's data marks it as a program's output (`{ stream: 'stdout' | 'stderr' }`):
 * such lines stay in the run's log and reach the service log at debug level only (src/worker/run-log.ts).
 */
export function isProgramOutput(data: Record<string, unknown>): boolean {
  return data.stream === 'stdout' || data.stream === 'stderr';
}

/**
 * Turns a child process's stdout/stderr chunks into run-log lines (capped, so a chatty
 * program cannot fill the run's log) while keeping the last `tailChars` of each stream. Lines are
 * redacted by the run logger; the tail is redacted here, since it becomes a result or an error.
 */
export class OutputCapture {
  readonly #log: RunLogger;
  readonly #maxLines: number;
  readonly #tailChars: number;
  #logged = 0;
  #dropped = 0;
  readonly #partial = { stdout: '', stderr: '' };
  readonly #tail = { stdout: '', stderr: '' };

  constructor(log: RunLogger, maxLines: number, tailChars: number) {
    this.#log = log;
    this.#maxLines = maxLines;
    this.#tailChars = tailChars;
  }

  /** Feeds a chunk of one stream. */
  write(stream: 'stdout' | 'stderr', chunk: string): void {
    const tail = this.#tail[stream] + chunk;
    this.#tail[stream] = tail.length > this.#tailChars ? tail.slice(tail.length - this.#tailChars) : tail;
    const parts = (this.#partial[stream] + chunk).split('\n');
    this.#partial[stream] = parts.pop() ?? '';
    // A line without a newline for this long is logged in pieces rather than held forever.
    while (this.#partial[stream].length > MAX_LINE_CHARS) {
      parts.push(this.#partial[stream].slice(0, MAX_LINE_CHARS));
      this.#partial[stream] = this.#partial[stream].slice(MAX_LINE_CHARS);
    }
    for (const line of parts) this.#line(stream, line);
  }

  /** Logs what is left of unterminated lines, and how many lines the cap dropped. */
  finish(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.#partial[stream] !== '') this.#line(stream, this.#partial[stream]);
      this.#partial[stream] = '';
    }
    if (this.#dropped > 0) this.#log.warn(`output capped: ${this.#dropped} more line(s) not kept in the run log`, { dropped_lines: this.#dropped });
    this.#dropped = 0;
  }

  /** The last characters a stream wrote, redacted (src/redaction/). */
  tail(stream: 'stdout' | 'stderr'): string {
    return redactText(this.#tail[stream]);
  }

  #line(stream: 'stdout' | 'stderr', raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.#logged >= this.#maxLines) {
      this.#dropped += 1;
      return;
    }
    this.#logged += 1;
    if (stream === 'stdout') this.#log.info(line, { stream });
    else this.#log.warn(line, { stream });
  }
}
