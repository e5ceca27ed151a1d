import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the compiled suite (`scenarios/dist/`): the runner loads every
 * `<name>.scenario.js` in it. The CLI reads the built-in suite's location from here.
 */
export const builtInScenarioDir: string = fileURLToPath(new URL('.', import.meta.url));
