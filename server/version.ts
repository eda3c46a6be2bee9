export { VERSION } from '../src/version.js';
