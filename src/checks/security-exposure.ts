import { combinedValue, fieldNames, hasField, readCorsGrant, readServer } from '../http/fields/index.js';
import type { CheckDef } from './define.js';
import { OWASP } from './security.js';
import { excerpt, perEndpoint, responded } from './util.js';

/** OWASP Secure Headers Project removal list (ci/headers_remove.json), the common ones. */
const FINGERPRINT_HEADERS = [
  'x-aspnet-version',
  'x-aspnetmvc-version',
  'x-php-version',
  'x-generator',
  'x-drupal-cache',
  'x-drupal-dynamic-cache',
  'x-runtime',
  'x-version',
  'x-backend-server',
  'x-server',
  'sourcemap',
  'x-sourcemap',
];

export const fingerprint: CheckDef = {
  id: 'security.fingerprint',
  category: 'security',
  severity: 'error',
  title: 'No technology fingerprints',
  rule: 'No X-Powered-By; the Server header, if any, carries no version; no other version-revealing headers (OWASP removal list).',
  why: 'Version banners tell attackers which known vulnerabilities to try first.',
  fix: '- Express: `app.disable("x-powered-by")` (or helmet).\n- nginx: `server_tokens off;`\n- Apache: `ServerTokens Prod`.\n- PHP: `expose_php = Off`.',
  source: `${OWASP} (headers_remove.json)`,
  grammar: 'RFC 9110 §10.2.4 Server (products `name/version` and comments)',
  needs: ['endpoints', 'not-found'],
  messages: {
    ok: '{endpoint}: no fingerprinting headers',
    poweredBy:
      '{endpoint}: X-Powered-By: {value} reveals the stack; remove it (Express: app.disable("x-powered-by"))',
    serverVersion:
      '{endpoint}: Server: {value} carries a version; send no version (nginx: server_tokens off)',
    other: '{endpoint}: {name}: {value} reveals implementation details; remove it',
  },
  evaluate(ctx) {
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const fields = e.response.headers;
        const powered = combinedValue(fields, 'x-powered-by');
        if (powered !== undefined)
          return {
            status: 'fail',
            messageId: 'poweredBy',
            data: { value: excerpt(powered) },
            actual: powered,
          };
        const server = readServer(fields);
        if (server?.revealsVersion) {
          return {
            status: 'warn',
            messageId: 'serverVersion',
            data: { value: excerpt(server.raw) },
            actual: server.raw,
          };
        }
        const name =
          FINGERPRINT_HEADERS.find((h) => hasField(fields, h)) ??
          fieldNames(fields).find((h) => h.startsWith('x-b3-'));
        if (name)
          return {
            status: 'warn',
            messageId: 'other',
            data: { name, value: excerpt(combinedValue(fields, name) ?? '') },
            actual: name,
          };
        return undefined;
      },
      () => ({ status: 'pass', messageId: 'ok' }),
    );
  },
};

export const CORS_PROBE_ORIGIN = 'https://harden-check.invalid';

export const cors: CheckDef = {
  id: 'security.cors',
  category: 'security',
  severity: 'error',
  title: 'CORS does not trust any origin with credentials',
  rule: 'Never `Access-Control-Allow-Origin: *` together with credentials, and never a reflected arbitrary origin with `Access-Control-Allow-Credentials: true`.',
  why: 'A reflected origin with credentials lets any website read authenticated API responses in a victim’s browser.',
  fix: '- Express `cors`: pass an explicit allow-list (`origin: ["https://app.example.com"]`), never `origin: true` with `credentials: true`.\n- Fastify `@fastify/cors`: same, `origin` as a list.\n- nginx: map allowed origins explicitly instead of `$http_origin`.',
  source: 'Fetch standard (CORS protocol); MDN Observatory cors; OWASP REST sheet',
  grammar:
    'Fetch standard CORS check: Access-Control-Allow-Origin read with "get" (all lines combined), credentials only when exactly `true`',
  needs: ['cors'],
  messages: {
    ok: '{endpoint}: an untrusted origin gets no CORS grant',
    wildcard:
      '{endpoint}: Access-Control-Allow-Origin: * without Access-Control-Allow-Credentials: any site may read these responses, but browsers send no cookies or credentials with them; fine for public data',
    reflectedCreds:
      '{endpoint}: the untrusted origin {origin} is reflected with Access-Control-Allow-Credentials: true; any site can read authenticated responses — use an allow-list',
    wildcardCreds:
      '{endpoint}: Access-Control-Allow-Origin: * with credentials is invalid and signals an over-broad policy; use an allow-list',
    reflected:
      '{endpoint}: the untrusted origin {origin} is reflected in Access-Control-Allow-Origin (no credentials); restrict to an allow-list',
    none: 'no CORS probe responses to judge',
  },
  evaluate(ctx) {
    const es = responded(ctx.exchanges, ['cors-preflight', 'cors-simple']);
    if (es.length === 0) return [{ status: 'skip', messageId: 'none' }];
    return perEndpoint(
      es,
      (e) => {
        const grant = readCorsGrant(e.response.headers);
        if (grant === undefined) return undefined;
        const { allowOrigin: acao, credentials: creds } = grant;
        if (acao === '*' && creds)
          return { status: 'fail', messageId: 'wildcardCreds', actual: { acao, credentials: true } };
        if (acao === CORS_PROBE_ORIGIN && creds) {
          return {
            status: 'fail',
            messageId: 'reflectedCreds',
            data: { origin: CORS_PROBE_ORIGIN },
            actual: { acao, credentials: true },
          };
        }
        if (acao === CORS_PROBE_ORIGIN)
          return {
            status: 'warn',
            messageId: 'reflected',
            data: { origin: CORS_PROBE_ORIGIN },
            actual: acao,
          };
        if (acao === '*') return { status: 'pass', messageId: 'wildcard', actual: acao };
        return undefined;
      },
      () => ({ status: 'pass', messageId: 'ok' }),
    );
  },
};
