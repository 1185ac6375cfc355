// Which bodies are read: JSON ones (or none); anything else is 415 before a route sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeRefusal, isJsonContentType } from '../../../../src/api/guards/json-content-type.ts';

test('JSON media types', () => {
  const cases: Array<[string, boolean]> = [
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json; charset=utf-8', true],
    ['application/json;charset="UTF-8"', true],
    ['application/merge-patch+json', true],
    ['application/problem+json', true],
    ['application/json; charset=utf-16', false],
    ['application/json; charset=latin1', false],
    ['text/plain', false],
    ['text/plain;charset=UTF-8', false],
    ['text/json', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['application/jsonx', false],
    ['application/+json', false],
    ['*/*', false],
    ['', false],
  ];
  for (const [value, json] of cases) assert.equal(isJsonContentType(value), json, value);
});

test('bodies: JSON read, others refused, no body passes whatever it declares', () => {
  const cases: Array<[string, { method: string; contentType?: string; hasBody: boolean }, boolean]> = [
    ['JSON body', { method: 'POST', contentType: 'application/json', hasBody: true }, true],
    ['no body, no type (curl -X POST …/run)', { method: 'POST', hasBody: false }, true],
    ['no body, form type (curl -d "")', { method: 'POST', contentType: 'application/x-www-form-urlencoded', hasBody: false }, true],
    ['a GET with a stray text body', { method: 'GET', contentType: 'text/plain', hasBody: true }, true],
    ['text/plain body (no-cors fetch)', { method: 'POST', contentType: 'text/plain;charset=UTF-8', hasBody: true }, false],
    ['form body', { method: 'PATCH', contentType: 'application/x-www-form-urlencoded', hasBody: true }, false],
    ['multipart body', { method: 'PUT', contentType: 'multipart/form-data; boundary=x', hasBody: true }, false],
    ['body without a type', { method: 'POST', hasBody: true }, false],
    ['DELETE with a text body', { method: 'DELETE', contentType: 'text/plain', hasBody: true }, false],
  ];
  for (const [name, request, passes] of cases) assert.equal(contentTypeRefusal(request) === undefined, passes, name);
});
