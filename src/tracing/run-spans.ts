import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import type { Job } from '../jobs/job.ts';
import type { RunEvent } from '../metrics/run-event.ts';
import type { Run } from '../runs/run.ts';
import { bosunTracer } from './tracer.ts';

/** Turns a worker's run events into spans; `end()` closes what is still open at shutdown. */
export interface RunSpans {
  observeRun(event: RunEvent): void;
  end(): void;
}

function runAttributes(job: Job, run: Run): Attributes {
  return {
    job_id: job.job_id,
    run_id: run.run_id,
    attempt: run.attempt,
    handler: job.handler,
    trigger: run.trigger,
    scheduled_for: run.scheduled_for.toISOString(),
  };
}

/**
 * One `run <handler>` span per attempt, started when the worker starts it. The worker calls its
 * observer inside the process span of the message (src/tracing/message-trace.ts), which continues
 * the trace carried in it from enqueue, so the attempt lands in its run's trace. Occurrences recorded without running
 * (misfired, skipped, queued) get a span too, ended at once, so a trace says why nothing ran.
 */
export function createRunSpans(): RunSpans {
  const open = new Map<string, Span>();
  const key = (run: Run) => `${run.run_id}#${run.attempt}`;
  const start = (job: Job, run: Run) => bosunTracer().startSpan(`run ${job.handler}`, { kind: SpanKind.INTERNAL, attributes: runAttributes(job, run) });

  return {
    observeRun(event) {
      switch (event.kind) {
        case 'started':
          open.get(key(event.run))?.end();
          open.set(key(event.run), start(event.job, event.run));
          return;
        case 'ended': {
          // The run as stored after the attempt: a scheduled retry has already moved it to the next attempt.
          const ended = event.retrying ? { ...event.run, attempt: event.run.attempt - 1 } : event.run;
          const span = open.get(key(ended)) ?? start(event.job, ended);
          open.delete(key(ended));
          span.setAttributes({ status: event.status, run_status: event.run.status, retrying: event.retrying, duration_ms: event.ms });
          if (event.status !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: event.run.error ?? event.status });
          span.end();
          return;
        }
        case 'abandoned': {
          const span = open.get(key(event.run)) ?? start(event.job, event.run);
          open.delete(key(event.run));
          // Cancelled or reaped while running: the run row, not this attempt, says how it ended.
          span.setAttributes({ status: 'abandoned', duration_ms: event.ms });
          span.end();
          return;
        }
        case 'recorded': {
          const span = start(event.job, event.run);
          span.setAttributes({ status: event.run.status, run_status: event.run.status });
          if (event.run.error) span.setAttribute('reason', event.run.error);
          span.end();
          return;
        }
      }
    },
    end() {
      for (const span of open.values()) {
        span.setAttribute('status', 'unfinished');
        span.end();
      }
      open.clear();
    },
  };
}
