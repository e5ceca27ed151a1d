import { readFileSync, statSync } from 'node:fs';

/** What `scripts/bundle.mjs` writes beside the CLI's bundle: the builds (mtime of each package's `dist/.tsbuildinfo`) it was made from. */
interface CliBundleStamp {
  readonly buildInfoMtimeMs: Readonly<Record<'cli' | 'runtime' | 'services', number>>;
}

const bundledPackages = ['cli', 'runtime', 'services'] as const;

function mtimeMs(url: URL): number | undefined {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The URL of the CLI's one-file program (`packages/cli/bundle/program.mjs`) when it was made
 * from the current build of the cli, runtime and services packages it inlines; undefined
 * otherwise (not bundled, or `tsc -b` recompiled one of them since), and `./program.js` is run.
 * `packagesUrl` is the `packages/` directory.
 */
export function bundledProgram(packagesUrl: URL): URL | undefined {
  const bundle = new URL('cli/bundle/program.mjs', packagesUrl);
  let stamp: CliBundleStamp;
  try {
    stamp = JSON.parse(readFileSync(new URL('cli/bundle/stamp.json', packagesUrl), 'utf8')) as CliBundleStamp;
  } catch {
    return undefined;
  }
  if (mtimeMs(bundle) === undefined) return undefined;
  const current = bundledPackages.every((name) => {
    const built = mtimeMs(new URL(`${name}/dist/.tsbuildinfo`, packagesUrl));
    return built !== undefined && stamp.buildInfoMtimeMs?.[name] === built;
  });
  return current ? bundle : undefined;
}

/** `packages/` seen from this compiled module (`packages/cli/dist/bundled-program.js`). */
export const packagesDir = new URL('../../', import.meta.url);
