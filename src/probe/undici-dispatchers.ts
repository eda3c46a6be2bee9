import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Pool as UndiciPool } from 'undici';

// undici's index.js loads all of undici — fetch, WebSocket, caches, cookies, mock agents: ≈ 110
// modules, the largest part of a run's start-up. The probe phase needs a Pool (and OpenAPI
// discovery an Agent) with the request API, ≈ 30 of those modules: this loads them the way
// index.js does, including its one piece of set-up, adding the request API to every dispatcher.
// test/undici-dispatchers.test.ts checks that these are undici's own classes.
const require = createRequire(import.meta.url);
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js');
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js'));

/** undici's Pool (keep-alive connections to one origin). */
export const Pool: typeof UndiciPool = require('undici/lib/dispatcher/pool.js');
export type Pool = UndiciPool;
/** undici's Agent (a Pool per origin). */
export const Agent: typeof UndiciAgent = require('undici/lib/dispatcher/agent.js');
export type Agent = UndiciAgent;
