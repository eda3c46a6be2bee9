#!/usr/bin/env node
// Regenerates docs/ops/api.md from server/routes/catalog.ts and the ajv schemas (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { renderApiDoc } from '../dist/server/routes/api-doc.js';

writeFileSync(new URL('../docs/ops/api.md', import.meta.url), renderApiDoc());
console.log('docs/ops/api.md written');
