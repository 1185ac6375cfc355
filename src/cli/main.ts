#!/usr/bin/env node
// `bosun <command> …`: the command-line entry point (package.json `bin`).
// A dispatcher only: each command group lives in its own module exporting
// `run(args): Promise<exitCode>` (src/cli/command.ts). Adding a command is one line
// in COMMANDS; the module is imported only when that command runs.
import type { CommandEntry } from './command.ts';
import { EXIT } from './exit-codes.ts';
import { didYouMean, suggest } from '../suggest.ts';

const COMMANDS: Record<string, CommandEntry> = {
  serve: { summary: 'run the service (API, scheduler, workers per BOSUN_ROLES)', load: () => import('./commands/serve.ts') },
  migrate: { summary: 'apply pending database migrations and exit', load: () => import('./commands/migrate.ts') },
  jobs: { summary: 'list, show, create, pause, resume, delete or run jobs', load: () => import('./commands/jobs.ts') },
  apply: { summary: 'create or change jobs from YAML files, showing the difference first', load: () => import('./commands/apply.ts') },
  flows: { summary: 'list, show or run flows', load: () => import('./commands/flows.ts') },
  runs: { summary: 'list, show or cancel runs', load: () => import('./commands/runs.ts') },
  failures: { summary: 'list, show or clean failures', load: () => import('./commands/failures.ts') },
  tokens: { summary: 'create, list and revoke API tokens (create --user <name> [--admin])', load: () => import('../auth/tokens-command.ts') },
  validate: { summary: 'check the default-jobs folder without a database (validate [dir])', load: () => import('./validate.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `usage: bosun <command> [options]

${lines.join('\n')}

Run 'bosun <command> --help' for a command's options. See docs/cli.md for exit codes.
`;
}

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
  process.stdout.write(usage());
} else {
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!entry) {
    process.stderr.write(`bosun: unknown command '${command}'${didYouMean(suggest(command, Object.keys(COMMANDS)))}\n\n${usage()}`);
    process.exitCode = EXIT.usage;
  } else {
    process.exitCode = await (await entry.load()).run(rest);
  }
}
