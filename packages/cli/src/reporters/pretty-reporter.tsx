import { render } from 'ink';
import type { CliIo } from '../io.js';
import { RunView } from '../ui/RunView.js';
import type { Reporter } from './reporter.js';
import { createRunStore } from './run-store.js';

/** Live narration drawn with ink: each step as it ends, the steps running now with a spinner, figures and totals at the end. */
export function createPrettyReporter(io: CliIo): Reporter {
  const store = createRunStore();
  const view = render(<RunView store={store} />, { stdout: io.stdout, stderr: io.stderr, stdin: io.stdin, exitOnCtrlC: false, patchConsole: false });
  return {
    onEvent: (event) => store.apply(event),
    async finish(result) {
      store.finish(result);
      // Let ink write the last lines before it lets go of the terminal.
      await new Promise((resolve) => setImmediate(resolve));
      view.unmount();
      await view.waitUntilExit();
    },
  };
}
