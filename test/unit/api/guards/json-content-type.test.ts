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
  type Request = { method: string; contentType?: string; contentLength?: string; chunked: boolean };
  const cases: Array<[string, Request, boolean]> = [
    ['JSON body', { method: 'POST', contentType: 'application/json', contentLength: '2', chunked: false }, true],
    ['chunked JSON body', { method: 'PATCH', contentType: 'application/json', chunked: true }, true],
    ['no body, no type (curl -X POST …/run)', { method: 'POST', contentLength: '0', chunked: false }, true],
    ['no body headers at all (curl -X DELETE)', { method: 'DELETE', chunked: false }, true],
    ['no body, form type (curl -d "")', { method: 'POST', contentType: 'application/x-www-form-urlencoded', contentLength: '0', chunked: false }, true],
    ['a GET with a stray text body', { method: 'GET', contentType: 'text/plain', contentLength: '3', chunked: false }, true],
    ['text/plain body (no-cors fetch)', { method: 'POST', contentType: 'text/plain;charset=UTF-8', contentLength: '40', chunked: false }, false],
    ['form body', { method: 'PATCH', contentType: 'application/x-www-form-urlencoded', contentLength: '3', chunked: false }, false],
    ['multipart body, chunked', { method: 'PUT', contentType: 'multipart/form-data; boundary=x', chunked: true }, false],
    ['body without a type', { method: 'POST', contentLength: '3', chunked: false }, false],
    ['chunked body without a type', { method: 'POST', chunked: true }, false],
    ['in-process text body (no length)', { method: 'DELETE', contentType: 'text/plain', chunked: false }, false],
  ];
  for (const [name, request, passes] of cases) assert.equal(contentTypeRefusal(request) === undefined, passes, name);
});
