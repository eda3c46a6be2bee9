import { type FieldMap, frameAncestors, readXFrameOptions } from '../http/fields/index.js';
import type { CheckDef, Finding } from './define.js';
import { OWASP } from './security.js';
import { excerpt, perEndpoint, responded } from './util.js';

export const framing: CheckDef = {
  id: 'security.framing',
  category: 'security',
  severity: 'error',
  title: 'Framing is denied',
  rule: "Framing as browsers decide it: when any enforced CSP (each line or comma-separated member is a policy) has frame-ancestors, X-Frame-Options is ignored and the strictest frame-ancestors decides — 'none' passes, 'self' or named origins warn, * or a bare scheme fails. Otherwise X-Frame-Options DENY passes, SAMEORIGIN warns, and ALLOW-FROM or any other value fails like a missing header.",
  why: 'A response rendered inside a hostile frame enables clickjacking; API error pages are rendered by browsers too.',
  fix: "- Express: `helmet()` sets `X-Frame-Options: SAMEORIGIN`; prefer `helmet.frameguard({ action: 'deny' })`.\n- nginx: `add_header X-Frame-Options DENY always;` or `add_header Content-Security-Policy \"frame-ancestors 'none'\" always;`\n- A CSP with frame-ancestors overrides X-Frame-Options: make it `'none'` too.",
  source: `${OWASP}; MDN Observatory x-frame-options`,
  grammar:
    'HTML standard X-Frame-Options processing (get, decode and split; conflicting values block; ALLOW-FROM ignored; an enforced CSP frame-ancestors overrides it); CSP3 §3.1 policy lists and §6.4.2 frame-ancestors source lists',
  needs: ['endpoints'],
  messages: {
    ok: '{endpoint}: framing denied ({how})',
    weak: "{endpoint}: framing allowed from {who} ({how}); use DENY / frame-ancestors 'none' for an API",
    open: "{endpoint}: {how} lets any site frame the response{xfoNote}; use frame-ancestors 'none'",
    missing:
      '{endpoint}: no X-Frame-Options and no CSP frame-ancestors (status {statuses}); add `X-Frame-Options: DENY`',
    invalid:
      '{endpoint}: X-Frame-Options "{value}" is ignored by current browsers (only DENY and SAMEORIGIN count; ALLOW-FROM is obsolete); send DENY',
  },
  evaluate(ctx) {
    return perEndpoint(
      responded(ctx.exchanges),
      (e) => {
        const { note, ...v } = judgeFraming(e.response.headers, e.response.status);
        return v.status === 'pass' && !note ? undefined : v;
      },
      (_endpoint, es) => {
        const { note: _note, ...v } = judgeFraming(es[0]!.response.headers, es[0]!.response.status);
        return v;
      },
    );
  },
};

function judgeFraming(fields: FieldMap, status: number): Omit<Finding, 'endpoint'> & { note?: boolean } {
  const fa = frameAncestors(fields);
  const xfo = readXFrameOptions(fields);
  if (fa) {
    const how = `CSP ${fa.directive}`;
    if (fa.reach === 'none') return { status: 'pass', messageId: 'ok', data: { how } };
    if (fa.reach === 'restricted') {
      const who =
        fa.directive.toLowerCase() === "frame-ancestors 'self'" ? 'the same origin' : 'the listed origins';
      return { status: 'warn', messageId: 'weak', data: { how, who } };
    }
    const xfoNote = xfo ? `; X-Frame-Options ${xfo.raw} is ignored when frame-ancestors is present` : '';
    return {
      status: 'fail',
      messageId: 'open',
      data: { how, xfoNote: excerpt(xfoNote, 90) },
      actual: fa.directive,
    };
  }
  if (!xfo)
    return {
      status: 'fail',
      messageId: 'missing',
      data: { statuses: status },
      expected: 'X-Frame-Options: DENY',
      actual: null,
    };
  const dup = xfo.duplicated ? ', sent more than once' : '';
  if (xfo.effect === 'deny')
    return {
      status: 'pass',
      messageId: 'ok',
      data: { how: `X-Frame-Options DENY${dup}` },
      note: xfo.duplicated,
    };
  if (xfo.effect === 'conflict-deny')
    return {
      status: 'pass',
      messageId: 'ok',
      data: {
        how: `X-Frame-Options "${excerpt(xfo.raw)}": conflicting values, so browsers refuse all framing`,
      },
      note: true,
    };
  if (xfo.effect === 'sameorigin')
    return {
      status: 'warn',
      messageId: 'weak',
      data: { how: `X-Frame-Options SAMEORIGIN${dup}`, who: 'the same origin' },
    };
  return {
    status: 'fail',
    messageId: 'invalid',
    data: { value: excerpt(xfo.raw) },
    expected: 'DENY',
    actual: xfo.raw,
  };
}
