import { createInterface } from 'node:readline/promises';
import { UsageError } from './group.ts';

/**
 * Asks `question [y/N]` on a terminal. Without a terminal there is nobody to ask, so
 * a destructive command refuses unless --yes was given (a script must say it means it).
 */
export async function confirm(question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new UsageError('refusing to go on without --yes: stdin is not a terminal to confirm on');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
