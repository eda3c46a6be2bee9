import type { ReportDiff } from '../diff/diff-reports.js';
import { DIFF_HEADLINE } from '../diff/format-diff.js';
import { CATEGORIES, type CheckResult, type Report } from '../types.js';
import { checkDocsLink, checkFix } from './check-docs.js';
import { CATEGORY_TITLES } from './group.js';
import {
  type CheckGroup,
  describeScope,
  flaggedEndpoints,
  groupById,
  summarizeGroup,
} from './group-by-id.js';
import { fmtMs } from './latency-table.js';

export const esc = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The fix text of a check (markdown bullet lines with `code`) as HTML; our own text, escaped anyway. */
export function fixHtml(markdown: string): string {
  const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
  const lines = markdown.split('\n').filter((l) => l.trim() !== '');
  const items = lines.filter((l) => l.startsWith('- '));
  if (items.length === lines.length)
    return `<ul>${items.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`;
  return lines
    .map((l) => (l.startsWith('- ') ? `<ul><li>${inline(l.slice(2))}</li></ul>` : `<p>${inline(l)}</p>`))
    .join('');
}

/** One tile per category: checks passed / failed / warned. */
export function tilesHtml(checks: readonly CheckResult[]): string {
  const groups = groupById(checks);
  return CATEGORIES.map((category) => {
    const gs = groups.filter((g) => g.category === category);
    if (gs.length === 0) return '';
    const n = (s: string) => gs.filter((g) => g.status === s).length;
    const state = n('fail') ? 'fail' : n('warn') ? 'warn' : n('pass') ? 'pass' : 'skip';
    return `<li class="tile ${state}"><span class="tile-title">${esc(CATEGORY_TITLES[category])}</span><span class="tile-counts"><span><b>${n('pass')}</b> passed</span> · <span><b>${n('fail')}</b> failed</span> · <span><b>${n('warn')}</b> warned</span>${n('skip') ? ` · <span>${n('skip')} skipped</span>` : ''}</span></li>`;
  }).join('');
}

const MAX_FINDINGS = 12;

function findingHtml(g: CheckGroup, endpoints?: Report['endpoints']): string {
  const where = flaggedEndpoints(g);
  const on = describeScope(
    g.flagged.filter((r) => r.status === g.status && r.endpoint),
    endpoints,
  );
  const fix = checkFix(g.id);
  const findings = g.flagged.slice(0, MAX_FINDINGS).map((r) => `<li>${esc(r.message)}</li>`);
  if (g.flagged.length > MAX_FINDINGS)
    findings.push(`<li>… and ${g.flagged.length - MAX_FINDINGS} more</li>`);
  return `<article class="finding ${g.status}" id="check-${esc(g.id)}">
<h3><span class="badge ${g.status}">${g.status === 'fail' ? 'FAIL' : 'WARN'}</span> <code>${esc(g.id)}</code></h3>
${where.length ? `<p class="where">on ${where.length === 1 ? '' : `${esc(on)}: `}${where.map((w) => `<code>${esc(w)}</code>`).join(', ')}</p>` : ''}
<ul class="findings">${findings.join('')}</ul>
${fix ? `<div class="fix"><h4>How to fix</h4>${fixHtml(fix)}</div>` : ''}
<p class="docs"><a href="${esc(checkDocsLink(g.id))}">docs/checks.md § ${esc(g.id)}</a></p>
</article>`;
}

/**
 * Failures first, then warnings: each check id once, with endpoints, findings, fix and docs link.
 * `verdictReason` (a run that failed without a failing check, e.g. one that verified nothing) is
 * what needs attention when no check is flagged.
 */
export function failuresHtml(
  checks: readonly CheckResult[],
  endpoints?: Report['endpoints'],
  verdictReason?: string,
): string {
  const groups = groupById(checks);
  const flagged = [
    ...groups.filter((g) => g.status === 'fail'),
    ...groups.filter((g) => g.status === 'warn'),
  ];
  if (flagged.length === 0)
    return verdictReason
      ? `<section id="failures"><h2>Needs attention</h2><p>${esc(verdictReason)}</p></section>`
      : '<section id="failures"><h2>Needs attention</h2><p class="quiet">Nothing: every check passed or was skipped.</p></section>';
  return `<section id="failures"><h2>Needs attention <span class="count">${flagged.length}</span></h2>\n${flagged.map((g) => findingHtml(g, endpoints)).join('\n')}</section>`;
}

/** Passing and skipped checks: one row per id, endpoints folded into a <details>. */
export function passingHtml(checks: readonly CheckResult[], endpoints?: Report['endpoints']): string {
  const rows = groupById(checks)
    .filter((g) => g.status === 'pass' || g.status === 'skip')
    .map((g) => {
      const summary = summarizeGroup(g, endpoints);
      const inner =
        g.results.length === 1
          ? ''
          : `<ul>${g.results.map((r) => `<li>${r.endpoint ? `<code>${esc(r.endpoint)}</code> ` : ''}${esc(r.message)}</li>`).join('')}</ul>`;
      const body = inner
        ? `<details><summary><code>${esc(g.id)}</code> <span class="quiet">${esc(summary)}</span></summary>${inner}</details>`
        : `<div class="row"><code>${esc(g.id)}</code> <span class="quiet">${esc(summary)}</span></div>`;
      return `<li class="${g.status}"><span class="badge ${g.status}">${g.status}</span>${body}</li>`;
    });
  return `<section id="passing"><h2>Passed and skipped <span class="count">${rows.length}</span></h2><ul class="passing">${rows.join('\n')}</ul></section>`;
}

/** The comparison with a baseline run (`--baseline`). */
export function baselineHtml(d: ReportDiff): string {
  const state = d.verdict === 'ok' ? 'pass' : d.verdict === 'regression' ? 'fail' : 'warn';
  const changes = (title: string, list: ReportDiff['checks']['fixed']) =>
    list.length
      ? `<h3>${title}</h3><ul>${list.map((c) => `<li><code>${esc(c.id)}</code>${c.endpoints.length ? ` — ${c.endpoints.map(esc).join(', ')}` : ''}</li>`).join('')}</ul>`
      : '';
  const rows = d.latency
    .filter((l) => l.scope === 'all' || l.verdict === 'regression' || l.verdict === 'improvement')
    .map(
      (l) =>
        `<tr class="${l.verdict === 'regression' ? 'fail' : ''}"><td>${esc(l.scope)}</td><td>${l.percentile}</td><td>${fmtMs(l.oldMs)}</td><td>${fmtMs(l.newMs)}</td><td>${l.changePct === null ? 'n/a' : `${l.changePct > 0 ? '+' : ''}${l.changePct}%`}</td><td>${l.intervalMs ? `${l.intervalMs.low.toFixed(2)} … ${l.intervalMs.high.toFixed(2)} ms` : '—'}</td><td>${esc(l.verdict)}</td></tr>`,
    )
    .join('');
  return `<section id="baseline"><h2>Compared with the baseline <span class="badge ${state}">${esc(DIFF_HEADLINE[d.verdict])}</span></h2>
<p class="quiet">Baseline ${esc(d.old.target)} at ${esc(d.old.startedAt)}.</p>
${d.incomparable.length ? `<ul>${d.incomparable.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''}
${changes('Newly failing', d.checks.newlyFailing)}${changes('Newly warning', d.checks.newlyWarning)}${changes('Fixed', d.checks.fixed)}
${rows ? `<div class="scroll"><table><thead><tr><th>scope</th><th>pct</th><th>old</th><th>new</th><th>change</th><th>${Math.round(d.method.confidence * 100)}% interval of new − old</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table></div>` : ''}
<p class="quiet">${esc(d.method.name)}; ${d.method.resamples} resamples, seed ${d.method.seed}.</p></section>`;
}
