// The edge's settings: parsed (a typo stops startup, naming the variable) and combined into the
// hosts and origins served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../../src/config.ts';
import { ConfigError } from '../../../../src/errors.ts';
import { edgePolicy } from '../../../../src/api/guards/edge-policy.ts';

test('edge settings: what each variable accepts', () => {
  const cases: Array<[Record<string, string>, { hosts: string[]; origins: string[] } | string]> = [
    [{}, { hosts: [], origins: [] }],
    [{ BOSUN_ALLOWED_HOSTS: 'Jobs.Example.com, *.internal.example' }, { hosts: ['jobs.example.com', '*.internal.example'], origins: [] }],
    [{ BOSUN_ALLOWED_ORIGINS: 'https://ops.example.com, http://127.0.0.1:8080' }, { hosts: [], origins: ['https://ops.example.com', 'http://127.0.0.1:8080'] }],
    [{ BOSUN_ALLOWED_ORIGINS: 'https://OPS.example.com:443/' }, { hosts: [], origins: ['https://ops.example.com'] }],
    [{ BOSUN_PUBLIC_URL: 'https://jobs.example.com/bosun/' }, { hosts: ['jobs.example.com'], origins: ['https://jobs.example.com'] }],
    [{ HOST: 'bosun.internal' }, { hosts: ['bosun.internal'], origins: [] }],
    [{ HOST: '0.0.0.0' }, { hosts: [], origins: [] }],
    [{ BOSUN_ALLOWED_HOSTS: 'https://jobs.example.com' }, 'BOSUN_ALLOWED_HOSTS'],
    [{ BOSUN_ALLOWED_HOSTS: 'jobs.example.com:443' }, 'BOSUN_ALLOWED_HOSTS'],
    [{ BOSUN_ALLOWED_HOSTS: 'a.*.example' }, 'BOSUN_ALLOWED_HOSTS'],
    [{ BOSUN_ALLOWED_ORIGINS: 'ops.example.com' }, 'BOSUN_ALLOWED_ORIGINS'],
    [{ BOSUN_ALLOWED_ORIGINS: 'https://ops.example.com/path' }, 'BOSUN_ALLOWED_ORIGINS'],
    [{ BOSUN_ALLOWED_ORIGINS: 'null' }, 'BOSUN_ALLOWED_ORIGINS'],
    [{ BOSUN_PUBLIC_URL: 'jobs.example.com' }, 'BOSUN_PUBLIC_URL'],
    [{ BOSUN_PUBLIC_URL: 'ftp://jobs.example.com' }, 'BOSUN_PUBLIC_URL'],
  ];
  for (const [env, expected] of cases) {
    if (typeof expected === 'string') {
      assert.throws(() => loadConfig(env, '/tmp'), (err: unknown) => err instanceof ConfigError && err.field === expected, JSON.stringify(env));
      continue;
    }
    const policy = edgePolicy(loadConfig(env, '/tmp'));
    assert.deepEqual({ hosts: policy.allowedHosts, origins: policy.allowedOrigins }, expected, JSON.stringify(env));
  }
});
