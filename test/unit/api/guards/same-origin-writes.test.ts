// Which requests a browser may send from where: state-changing ones only from bosun's own
// origin or a listed one; reads, and clients that send no browser headers, always.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalOrigin, crossOriginRefusal } from '../../../../src/api/guards/same-origin-writes.ts';

test('cross-origin writes: refused, unless same-origin, listed, safe or not from a browser', () => {
  const allowed = new Set(['https://ops.example.com']);
  const host = '127.0.0.1:34000';
  const cases: Array<[string, { method: string; host?: string; origin?: string; fetchSite?: string; preflight?: boolean }, boolean]> = [
    ['curl: no Origin, no Sec-Fetch-Site', { method: 'POST' }, true],
    ['a GET from anywhere', { method: 'GET', origin: 'http://evil.example', fetchSite: 'cross-site' }, true],
    ['HEAD likewise', { method: 'HEAD', origin: 'http://evil.example', fetchSite: 'cross-site' }, true],
    ['a CORS preflight', { method: 'OPTIONS', origin: 'http://evil.example', fetchSite: 'cross-site', preflight: true }, true],
    ['an OPTIONS that is no preflight (it may resume a job)', { method: 'OPTIONS', origin: 'http://evil.example', fetchSite: 'cross-site' }, false],
    ['an OPTIONS from curl', { method: 'OPTIONS' }, true],
    ['same-origin fetch', { method: 'POST', origin: 'http://127.0.0.1:34000', fetchSite: 'same-origin' }, true],
    ['same origin, older browser', { method: 'DELETE', origin: 'http://127.0.0.1:34000' }, true],
    ['own host behind a TLS proxy', { method: 'POST', host: 'jobs.example.com', origin: 'https://jobs.example.com' }, true],
    ['default port written out', { method: 'POST', host: 'jobs.example.com:443', origin: 'https://jobs.example.com' }, true],
    ['typed in the address bar', { method: 'POST', fetchSite: 'none' }, true],
    ['a listed origin, cross-site', { method: 'POST', origin: 'https://ops.example.com', fetchSite: 'cross-site' }, true],
    ['a listed origin, written with its default port', { method: 'PATCH', origin: 'https://OPS.example.com:443', fetchSite: 'cross-site' }, true],
    ['127.0.0.2 page, no-cors', { method: 'POST', origin: 'http://127.0.0.2:8000', fetchSite: 'cross-site' }, false],
    ['another port of the same host', { method: 'POST', origin: 'http://127.0.0.1:8000', fetchSite: 'same-site' }, false],
    ['another origin, no Sec-Fetch-Site', { method: 'PUT', origin: 'http://evil.example' }, false],
    ['another port, no Sec-Fetch-Site', { method: 'POST', origin: 'http://127.0.0.1:8000' }, false],
    ['cross-site without Origin', { method: 'POST', fetchSite: 'cross-site' }, false],
    ['same-site without Origin', { method: 'DELETE', fetchSite: 'same-site' }, false],
    ['opaque origin (sandbox, file:)', { method: 'POST', origin: 'null' }, false],
    ['not an http origin', { method: 'POST', origin: 'chrome-extension://abc' }, false],
    ['same-origin claimed, Origin elsewhere', { method: 'POST', origin: 'http://evil.example', fetchSite: 'same-origin' }, false],
    ['method in lower case', { method: 'post', origin: 'http://evil.example' }, false],
  ];
  for (const [name, request, passes] of cases) {
    const refusal = crossOriginRefusal({ host, ...request }, allowed);
    assert.equal(refusal === undefined, passes, `${name}: ${refusal}`);
  }
});

test('origins in canonical form', () => {
  const cases: Array<[string, string | undefined]> = [
    ['https://OPS.example.com:443', 'https://ops.example.com'],
    ['http://127.0.0.1:80', 'http://127.0.0.1'],
    ['http://[::1]:34000', 'http://[::1]:34000'],
    ['null', undefined],
    ['file:///etc', undefined],
    ['', undefined],
  ];
  for (const [value, canonical] of cases) assert.equal(canonicalOrigin(value), canonical, value);
});
