#!/usr/bin/env node
// The service's entry point: `npm start`. Reads the environment, starts every part,
// and stops them in order on SIGINT/SIGTERM; a second signal forces the exit.
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startService } from './service.ts';
import { BosunError } from './errors.ts';

/** Runs the service until a signal arrives. */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`bosun: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  let service;
  try {
    service = await startService(config, logger);
  } catch (err) {
    if (err instanceof BosunError) logger.fatal({ code: err.code, field: err.field, details: err.details }, err.message);
    else logger.fatal({ err }, 'bosun failed to start');
    logger.flush?.();
    process.exit(1);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      logger.info({ signal }, 'shutting down (send again to force)');
      service.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    } else {
      logger.warn({ signal }, 'forced exit');
      service.forceStop().finally(() => process.exit(1));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (import.meta.main) await main();
