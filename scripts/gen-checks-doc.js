#!/usr/bin/env node
// Regenerates docs/checks.md from the check registry (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { renderChecksDoc } from '../dist/src/docs/checks-doc.js';

writeFileSync(new URL('../docs/checks.md', import.meta.url), renderChecksDoc());
console.log('docs/checks.md written');
