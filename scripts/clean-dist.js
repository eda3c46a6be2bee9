#!/usr/bin/env node
// Removes dist/ before a build, so that no file of an earlier build (a renamed module, a deleted
// fixture) is left to be packed or loaded.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
