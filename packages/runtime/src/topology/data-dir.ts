import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../supervisor/process-alive.js';
import { runtimeError } from '../errors/error-codes.js';

/** Where one topology keeps its files. */
export interface DataDirLayout {
  readonly root: string;
  /** `<root>/logs`. */
  readonly logs: string;
  /** `<root>/control.json`: URL and token of the control API. */
  readonly controlFile: string;
}

/** The paths inside a data dir. */
export function dataDirLayout(root: string): DataDirLayout {
  return { root, logs: join(root, 'logs'), controlFile: join(root, 'control.json') };
}

/** The log file of one instance: `<root>/logs/<service>-<n>.log`. */
export function instanceLogFile(root: string, service: string, index: number): string {
  return join(root, 'logs', `${service}-${index}.log`);
}

/** Files topolab itself puts in a data dir; `--fresh` removes only these. */
const ownedFile = /^(?:[a-z][a-z0-9-]*\.db(?:-wal|-shm|-journal)?|control\.json|redis|nginx)$/;

/**
 * Creates the data dir (and `logs/`), refusing one where another live topology runs
 * (TOPOLOGY_DATA_DIR_BUSY). With `fresh`, first removes the files topolab owns there.
 */
export function prepareDataDir(root: string, options: { fresh: boolean }): DataDirLayout {
  const layout = dataDirLayout(root);
  assertNotBusy(layout);
  if (options.fresh && existsSync(root)) {
    for (const entry of readdirSync(root)) {
      if (entry === 'logs' || ownedFile.test(entry)) rmSync(join(root, entry), { recursive: true, force: true });
    }
  }
  mkdirSync(layout.logs, { recursive: true });
  return layout;
}

function assertNotBusy(layout: DataDirLayout): void {
  let pid: unknown;
  try {
    pid = (JSON.parse(readFileSync(layout.controlFile, 'utf8')) as { pid?: unknown }).pid;
  } catch {
    return;
  }
  if (typeof pid === 'number' && pid !== process.pid && isProcessAlive(pid)) {
    throw runtimeError('TOPOLOGY_DATA_DIR_BUSY', { message: `Process ${pid} runs a topology in ${layout.root}.`, details: { pid, dataDir: layout.root } });
  }
}
