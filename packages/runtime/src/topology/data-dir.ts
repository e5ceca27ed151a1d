import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '../supervisor/process-alive.js';
import { runtimeError } from '../errors/error-codes.js';
import { ensurePrivateDir, formatMode, isPrivateMode } from './private-files.js';

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
const ownedFile = /^(?:[a-z][a-z0-9-]*\.db(?:-wal|-shm|-journal)?|control\.json|redis|nginx|secrets)$/;

/**
 * Creates the data dir and `logs/` private to the user (0700), refusing an existing data dir
 * that group or others can reach (TOPOLOGY_DATA_DIR_INSECURE, also with `fresh`: it holds
 * signing keys and codes, and narrowing a folder the user chose is theirs to do) and one where
 * another live topology runs (TOPOLOGY_DATA_DIR_BUSY). With `fresh`, first removes the files
 * topolab owns there.
 */
export function prepareDataDir(root: string, options: { fresh: boolean }): DataDirLayout {
  const layout = dataDirLayout(root);
  assertDataDirUsable(root);
  if (options.fresh && existsSync(root)) {
    for (const entry of readdirSync(root)) {
      if (entry === 'logs' || ownedFile.test(entry)) rmSync(join(root, entry), { recursive: true, force: true });
    }
  }
  ensurePrivateDir(root);
  ensurePrivateDir(layout.logs);
  return layout;
}

/** The checks of prepareDataDir that write nothing (TOPOLOGY_DATA_DIR_INSECURE, TOPOLOGY_DATA_DIR_BUSY), for a start that checks everything first. */
export function assertDataDirUsable(root: string): void {
  assertPrivateDataDir(root);
  assertNotBusy(dataDirLayout(root));
}

/**
 * Throws TOPOLOGY_DATA_DIR_INSECURE when `root` exists with any group or other permission bit
 * (CWE-276: a data dir made by an earlier version is 0755, its databases 0644). A missing dir
 * passes: prepareDataDir creates it 0700.
 */
export function assertPrivateDataDir(root: string): void {
  let mode: number;
  try {
    mode = statSync(root).mode;
  } catch {
    return;
  }
  if (isPrivateMode(mode)) return;
  throw runtimeError('TOPOLOGY_DATA_DIR_INSECURE', {
    message: `The data dir ${root} is ${formatMode(mode)}: other users of this machine can reach its keys, databases and logs.`,
    hint: `Make it private with \`chmod 700 ${shellQuote(root)}\`, or use another \`--data-dir\`.`,
    details: { dataDir: root, mode: formatMode(mode) },
  });
}

/** `path` as one shell word: as it is when it holds only safe characters, else single-quoted. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
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
