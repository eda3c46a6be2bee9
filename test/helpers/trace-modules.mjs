// `node --import ./trace-modules.mjs …`: appends the URL of every module the process loads to the
// file named by MODULE_TRACE_FILE (one per line), from a module-loader hook thread.
import { register } from 'node:module';

register('./trace-modules-hooks.mjs', import.meta.url);
