import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What zxcvbn says of one password: its score (0-4) and, below 3, why. */
export interface PasswordEstimate {
  readonly score: number;
  readonly warning: string;
  readonly suggestions: readonly string[];
  /** The worker thread that judged it (never the service's own thread, 0). */
  readonly threadId: number;
}

/**
 * zxcvbn tries up to 100 l33t variants of the password by default, each a full dictionary pass: that
 * is most of its time (0.5 s for 64 random symbols). 20 still refuses 95% of the heavily substituted
 * common passwords that 100 refuses (`$up3rm@n!`, `p@$$w0rd!`), at a fifth of the cost.
 */
const l33tVariants = 20;

// The worker is a CommonJS script given as text: it needs no file of its own, so it runs the same
// from dist/ and from a service's one-file bundle. It requires zxcvbn by the absolute paths the
// service resolved, builds the estimator once, and answers each check by its id.
const workerSource = `
const { parentPort, workerData, threadId } = require('node:worker_threads');
let estimator;
function build() {
  const { ZxcvbnFactory } = require(workerData.core);
  const common = require(workerData.common);
  const english = require(workerData.english);
  return new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    l33tMaxSubstitutions: workerData.l33tVariants,
  });
}
parentPort.on('message', ({ id, password, words }) => {
  try {
    estimator ??= build();
    const { score, feedback } = estimator.check(password, words);
    parentPort.postMessage({ id, score, warning: feedback.warning || '', suggestions: feedback.suggestions, threadId });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

type Answer = { id: number; error?: string } & Partial<PasswordEstimate>;

/**
 * Estimates passwords with @zxcvbn-ts in a worker thread. Building zxcvbn's dictionaries takes
 * about 0.3 s of CPU and one check up to 0.2 s for adversarial input: on the service's own thread
 * that stalls every request and, under load, the registry heartbeats (an instance 750 ms late is
 * evicted). The worker starts on the first check and does not keep the process alive.
 */
export interface PasswordEstimator {
  estimate(password: string, words: readonly string[]): Promise<PasswordEstimate>;
  /** Starts the worker and builds the dictionaries now; resolves when they are ready. */
  warm(): Promise<void>;
}

/** Creates the estimator; nothing runs until the first `estimate` or `warm`. */
export function createPasswordEstimator(): PasswordEstimator {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (estimate: PasswordEstimate) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
    worker = undefined;
  };

  function start(): Worker {
    const resolvePackage = createRequire(import.meta.url).resolve;
    const started = new Worker(workerSource, {
      eval: true,
      workerData: {
        core: resolvePackage('@zxcvbn-ts/core'),
        common: resolvePackage('@zxcvbn-ts/language-common'),
        english: resolvePackage('@zxcvbn-ts/language-en'),
        l33tVariants,
      },
    });
    started.unref();
    started.on('message', (answer: Answer) => {
      const waiter = pending.get(answer.id);
      if (!waiter) return;
      pending.delete(answer.id);
      if (answer.error !== undefined) waiter.reject(new Error(`password estimator: ${answer.error}`));
      else waiter.resolve({ score: answer.score ?? 0, warning: answer.warning ?? '', suggestions: answer.suggestions ?? [], threadId: answer.threadId ?? -1 });
    });
    // A failed worker fails what it holds; the next check starts a new one.
    started.on('error', (error) => failAll(error));
    started.on('exit', (code) => failAll(new Error(`password estimator exited with code ${code}`)));
    return started;
  }

  function estimate(password: string, words: readonly string[]): Promise<PasswordEstimate> {
    worker ??= start();
    const id = nextId++;
    const answer = new Promise<PasswordEstimate>((resolve, reject) => pending.set(id, { resolve, reject }));
    worker.postMessage({ id, password, words });
    return answer;
  }

  return {
    estimate,
    async warm() {
      await estimate('', []);
    },
  };
}
