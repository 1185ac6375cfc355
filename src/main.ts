#!/usr/bin/env node
// The service's entry point: `npm start`. Reads the environment, starts every part,
// and stops them in order on SIGINT/SIGTERM/SIGHUP; a second signal forces the exit.
import { loadConfig } from './config.ts';
import { pino } from 'pino';
import { createLogger } from './log.ts';
import { startService, type Service } from './service.ts';
import { BosunError } from './errors.ts';
import { installFatalHandlers } from './process/fatal.ts';

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

  // Signals are handled from the first moment: one arriving while parts are still
  // starting waits for them, then stops them all, so nothing is left running.
  let service: Service | undefined;
  let signals = 0;
  let exitCode = 0;
  const shutdown = () => {
    service!.stop().then(
      () => process.exit(exitCode),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      logger.info({ signal }, 'shutting down (send again to force)');
      if (service) shutdown();
    } else {
      logger.warn({ signal }, 'forced exit');
      void (service?.forceStop() ?? Promise.resolve()).finally(() => process.exit(1));
    }
  };
  // SIGHUP is the terminal closing: the same graceful stop as Ctrl-C, not node's instant exit
  // that would leave PostgreSQL running. The closed terminal fails every later write to stdout
  // (EIO); pino reports that as an 'error' event, which must not end the process in the middle
  // of its stop: those log lines are lost, the stop goes on.
  (Reflect.get(logger, pino.symbols.streamSym) as NodeJS.EventEmitter | undefined)?.on('error', () => {});
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // An error nothing caught, or a class handler calling process.exit (src/process/fatal.ts): the
  // same graceful stop as a first signal, then a non-zero exit.
  installFatalHandlers({
    logger,
    stop: () => {
      exitCode = 1;
      if (++signals === 1 && service) shutdown();
    },
  });

  try {
    service = await startService(config, logger);
  } catch (err) {
    // bosun's own errors (a setting at fault, a broken job file) are for the operator: the
    // message names what to change, a stack would only bury it.
    if (err instanceof BosunError) logger.fatal({ code: err.code, field: err.field, ...(Object.keys(err.details).length > 0 ? { details: err.details } : {}) }, err.message);
    else logger.fatal({ err }, 'bosun failed to start');
    process.exit(1);
  }
  if (signals > 0) shutdown();
}

if (import.meta.main) await main();
