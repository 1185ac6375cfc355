// Progress for long operations. On a terminal: one spinner line that rewrites
// itself with the current status and elapsed time. Piped or redirected: one plain
// line per status change, so logs and scripts read a clean transcript.

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** Sets the current status; a non-terminal stream gets a line only when it changes. */
  update(status: string): void;
  /** Stops the spinner and clears its line. */
  stop(): void;
}

/** A progress reporter labelled `label` writing to `stream` (a spinner only if it is a TTY). */
export function createProgress(stream: NodeJS.WriteStream, label: string, now: () => number = Date.now): Progress {
  const started = now();
  let status = '';
  if (!stream.isTTY) {
    return {
      update(next) {
        if (next === status) return;
        status = next;
        stream.write(`${label}: ${next}\n`);
      },
      stop() {},
    };
  }
  let frame = 0;
  const draw = () => {
    const elapsed = ((now() - started) / 1000).toFixed(1);
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}: ${status} (${elapsed}s)`);
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    update(next) {
      status = next;
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
