import type { CheckDef, Finding } from './define.js';
import { errorExchanges } from './errors.js';
import { byEndpoint, excerpt } from './util.js';

/** Stack traces, file paths, framework banners and SQL errors (OWASP "Error handling"). */
const LEAKS: Array<[RegExp, string]> = [
  [/\bat\s+[\w$.<>[\]]+\s+\([^)]*:\d+:\d+\)/, 'a JavaScript stack frame'],
  [/\bat\s+(?:file:\/\/)?\/[^\s)]+:\d+:\d+/, 'a JavaScript stack frame'],
  [/Traceback \(most recent call last\)/, 'a Python traceback'],
  [/\bat [\w$]+(\.[\w$]+)+\([\w$]+\.java:\d+\)/, 'a Java stack frame'],
  [/Exception in thread|java\.lang\.\w+Exception|System\.\w+Exception/, 'an exception class name'],
  [
    /(?:^|[\s"'(])\/(?:home|usr|var|srv|opt|app|root|tmp)\/[\w./-]+\.(?:js|ts|mjs|cjs|py|rb|php|go|java)\b/,
    'a server file path',
  ],
  [/[A-Z]:\\\\?(?:Users|inetpub|Program Files)[\\\w .-]*/, 'a Windows file path'],
  [/<pre>Cannot (?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) /, 'the Express default error page'],
  [/Whitelabel Error Page/, 'the Spring Boot error page'],
  [/<center>nginx\/[\d.]+<\/center>|<address>Apache\/[\d.]+/, 'a web server version banner'],
  [
    /\bSQLSTATE\[|syntax error at or near|ORA-\d{5}|You have an error in your SQL syntax|SQLITE_ERROR/,
    'an SQL error message',
  ],
  [/\b(?:node_modules|site-packages|vendor\/bundle)\//, 'a dependency path'],
  [/Werkzeug Debugger|DEBUG = True|Django Version:/, 'a debug page'],
];

export const errorNoLeak: CheckDef = {
  id: 'errors.no-leak',
  category: 'errors',
  severity: 'error',
  title: 'Error bodies leak no internals',
  rule: 'No stack traces, file paths, framework banners, SQL errors or debug pages in any error body.',
  why: 'Internals in error bodies map the code and its dependencies for an attacker, and sometimes carry data.',
  fix: '- Express: an error middleware that never sends `err.stack` or `err.message`; set `NODE_ENV=production` so the default handler hides stacks; add a 404 handler to replace "Cannot GET".\n- Fastify: `setErrorHandler` that maps unknown errors to a fixed 500 body.\n- Django/Flask: `DEBUG=False`.',
  source: 'OWASP REST Security Cheat Sheet (error handling)',
  grammar: 'RFC 8259 JSON body text (no header field is parsed)',
  needs: ['not-found', 'wrong-method', 'malformed-json'],
  messages: {
    ok: '{endpoint}: the {status} body reveals no internals',
    leak: '{endpoint}: the {status} body contains {what} ("{sample}"); return a fixed message and log the details server-side',
    noErrors: 'no error responses were observed to judge',
  },
  evaluate(ctx) {
    const errors = errorExchanges(ctx);
    if (errors.length === 0) return [{ status: 'skip', messageId: 'noErrors' }];
    const out: Finding[] = [];
    for (const [endpoint, es] of byEndpoint(errors)) {
      let found: Finding | undefined;
      for (const e of es) {
        for (const [re, what] of LEAKS) {
          const m = re.exec(e.response.body);
          if (m) {
            found = {
              status: 'fail',
              messageId: 'leak',
              endpoint,
              data: { status: e.response.status, what, sample: excerpt(m[0], 50) },
              actual: excerpt(m[0], 120),
            };
            break;
          }
        }
        if (found) break;
      }
      out.push(
        found ?? {
          status: 'pass',
          messageId: 'ok',
          endpoint,
          data: { status: es.map((e) => e.response.status).join('/') },
        },
      );
    }
    return out;
  },
};
