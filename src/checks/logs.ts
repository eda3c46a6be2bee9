import type { CheckDef, Finding } from './define.js';

export const logRedaction: CheckDef = {
  id: 'logs.redaction',
  category: 'logs',
  severity: 'error',
  title: 'Secrets never reach the log in clear',
  rule: 'Canary secrets sent in headers, the query string and a JSON body — a bearer token, an e-mail, a Luhn-valid card number, a password field — never appear in clear in the target’s log (--log-file or --log-command); skipped without a log source.',
  why: 'Logs are copied to many systems and kept long; a secret or personal datum written once is exposed for years.',
  fix: '- pino: `redact: ["req.headers.authorization", "req.headers.cookie", "*.password"]` plus a serializer that masks e-mails and card numbers in free text.\n- winston: a format that redacts the same fields.\n- nginx: do not log `$http_authorization` or `$request_body`; log `$uri` rather than `$request_uri` when query strings carry secrets.',
  source: 'docs/contract.md (redaction); OWASP Logging Cheat Sheet (data to exclude)',
  needs: ['log-canary'],
  messages: {
    ok: '{count} canaries sent; none appear in clear in {source} ({lines} new lines{ids})',
    leaked: '{names} appeared in clear in {source}; redact them before logging',
    noLines: '{source} received no lines during the run; is it the log of this target? (nothing to judge)',
    noSource: 'no log source; pass --log-file FILE or --log-command CMD to check redaction',
  },
  evaluate(ctx) {
    if (!ctx.logs) return [{ status: 'skip', messageId: 'noSource' }];
    const { text, canaries, source, requestIds } = ctx.logs;
    const leaked = Object.entries(canaries).filter(([, value]) => text.includes(value));
    const lines = text.split('\n').filter(Boolean).length;
    const sawUs = requestIds.some((id) => text.includes(id));
    if (leaked.length > 0) {
      return [
        {
          status: 'fail',
          messageId: 'leaked',
          data: { names: leaked.map(([n]) => n).join(', '), source },
          expected: 'redacted',
          actual: leaked.map(([n]) => n),
        },
      ];
    }
    if (lines === 0) return [{ status: 'warn', messageId: 'noLines', data: { source } } as Finding];
    return [
      {
        status: 'pass',
        messageId: 'ok',
        data: {
          count: Object.keys(canaries).length,
          source,
          lines,
          ids: sawUs ? ', our request ids found' : '',
        },
      },
    ];
  },
};
