#!/usr/bin/env node
// `bosun <command>`: the command-line entry point (package.json `bin`).
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { main as serve } from '../main.ts';
import { migrateCommand } from './migrate.ts';

const USAGE = `usage: bosun <command>

  serve      run the service (API, scheduler, workers per BOSUN_ROLES)
  migrate    apply pending database migrations and exit
`;

const [command] = process.argv.slice(2);
switch (command) {
  case 'serve':
    await serve();
    break;
  case 'migrate': {
    const config = loadConfig();
    process.exitCode = await migrateCommand(config, createLogger(config.logLevel));
    break;
  }
  case undefined:
  case '-h':
  case '--help':
    process.stdout.write(USAGE);
    break;
  default:
    process.stderr.write(`bosun: unknown command '${command}'\n\n${USAGE}`);
    process.exitCode = 2;
}
