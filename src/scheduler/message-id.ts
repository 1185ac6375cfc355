import { createHash } from 'node:crypto';
import { isoInstant } from '../time/iso-instant.ts';

// A fixed namespace, so every bosun instance derives the same id for the same occurrence.
const NAMESPACE = 'bosun:fire:v1';

/**
 * A UUID (version 5 layout: SHA-1 of a namespace and a name) that depends only on its parts.
 * pg-boss refuses a second job with an id it already holds, which is what lets any number of
 * instances enqueue one occurrence and have it stored once.
 */
export function deterministicUuid(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update('\u0000').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The queue id of a job's occurrence at one instant. */
export function occurrenceMessageId(jobId: string, scheduledFor: Date): string {
  return deterministicUuid('occurrence', jobId, isoInstant(scheduledFor));
}

/** The queue id of one attempt of a run (retries, queued overlap, run now). */
export function attemptMessageId(runId: string, attempt: number): string {
  return deterministicUuid('attempt', runId, String(attempt));
}
