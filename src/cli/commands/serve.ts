import { main } from '../../main.ts';

/** `bosun serve`: the service itself, until a signal stops it (same as `npm start`). */
export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: bosun serve\n\nRuns the service (API, scheduler, workers per BOSUN_ROLES) until SIGINT, SIGTERM or SIGHUP\n(the terminal closing), which stop it gracefully; a second signal forces the exit.\nConfigured by environment variables; see README.\n');
    return 0;
  }
  await main();
  // main() returns once the service is up; the signal handlers decide the exit code later.
  return 0;
}
