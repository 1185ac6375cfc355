// The minimal environment of a job's process, and the BOSUN_COMMAND_ENV setting that widens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';
import { DEFAULT_PATH, jobEnvironment } from '../../../src/handlers/job-environment.ts';

const bosun = {
  PATH: '/usr/bin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  LC_TIME: 'en_GB.UTF-8',
  TZ: 'UTC',
  DATABASE_URL: 'postgresql://u:secret@db/x',
  BOSUN_AUTH: 'on',
  OTEL_EXPORTER_OTLP_HEADERS: 'authorization=secret',
  PGPASSWORD: 'secret',
  AWS_SECRET_ACCESS_KEY: 'secret',
  HTTPS_PROXY: 'http://proxy:3128',
};
const nobody = { name: 'nobody', home: '/nonexistent' };

const rows: Array<[string, Parameters<typeof jobEnvironment>, Record<string, string>]> = [
  ['the minimal set only', [undefined, { source: bosun, user: nobody }], { PATH: '/usr/bin:/bin', HOME: '/nonexistent', USER: 'nobody', LOGNAME: 'nobody', LANG: 'C.UTF-8', LC_TIME: 'en_GB.UTF-8', TZ: 'UTC' }],
  ['the job env adds and wins', [{ TZ: 'Europe/Paris', TOKEN: 'job-own' }, { source: bosun, user: nobody }], { PATH: '/usr/bin:/bin', HOME: '/nonexistent', USER: 'nobody', LOGNAME: 'nobody', LANG: 'C.UTF-8', LC_TIME: 'en_GB.UTF-8', TZ: 'Europe/Paris', TOKEN: 'job-own' }],
  ['operator-allowed names', [undefined, { source: { ...bosun, BOSUN_COMMAND_ENV: 'HTTPS_PROXY' }, user: nobody }], { PATH: '/usr/bin:/bin', HOME: '/nonexistent', USER: 'nobody', LOGNAME: 'nobody', LANG: 'C.UTF-8', LC_TIME: 'en_GB.UTF-8', TZ: 'UTC', HTTPS_PROXY: 'http://proxy:3128' }],
  ['operator-allowed names withheld', [undefined, { source: { ...bosun, BOSUN_COMMAND_ENV: 'HTTPS_PROXY' }, user: nobody, operatorAllowed: false }], { PATH: '/usr/bin:/bin', HOME: '/nonexistent', USER: 'nobody', LOGNAME: 'nobody', LANG: 'C.UTF-8', LC_TIME: 'en_GB.UTF-8', TZ: 'UTC' }],
  ['no PATH in bosun', [undefined, { source: {}, user: nobody }], { PATH: DEFAULT_PATH, HOME: '/nonexistent', USER: 'nobody', LOGNAME: 'nobody' }],
];
for (const [name, args, expected] of rows) {
  test(name, () => assert.deepEqual(jobEnvironment(...args), expected));
}

for (const value of ['DATABASE_URL', 'BOSUN_AUTH', 'OTEL_EXPORTER_OTLP_HEADERS', 'PGPASSWORD', 'pgpassword', 'HTTPS_PROXY,BOSUN_X', 'not a name']) {
  test(`BOSUN_COMMAND_ENV=${value} is refused at startup`, () => {
    assert.throws(() => loadConfig({ BOSUN_COMMAND_ENV: value }), (err: unknown) => err instanceof ConfigError && err.field === 'BOSUN_COMMAND_ENV');
  });
}

test('the settings of this part, read and defaulted', () => {
  const defaults = loadConfig({});
  assert.deepEqual([defaults.commandEnv, defaults.commandUser, defaults.httpAllow, defaults.httpDeny], [[], undefined, ['*'], []]);
  const set = loadConfig({ BOSUN_COMMAND_ENV: 'A, B', BOSUN_COMMAND_USER: 'svc-jobs', BOSUN_HTTP_ALLOW: 'api.example.com:443, 10.0.0.0/8', BOSUN_HTTP_DENY: '127.0.0.1:5432' });
  assert.deepEqual([set.commandEnv, set.commandUser, set.httpAllow, set.httpDeny], [['A', 'B'], 'svc-jobs', ['api.example.com:443', '10.0.0.0/8'], ['127.0.0.1:5432']]);
  for (const [name, value] of [['BOSUN_HTTP_ALLOW', '10.0.0.0/40'], ['BOSUN_HTTP_DENY', 'http://x'], ['BOSUN_COMMAND_USER', 'a b']] as const) {
    assert.throws(() => loadConfig({ [name]: value }), (err: unknown) => err instanceof ConfigError && err.field === name, name);
  }
});
