import { existsSync, mkdtempSync, readFileSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { podman } from './podman.js';

/** The images the exported Dockerfile builds on, made here without any registry. */
export interface BaseImages {
  /** BASE_IMAGE: Debian (mmdebstrap, minbase) with this machine's Node and a `node` user of uid 1000: node:20-slim's shape. */
  readonly base: string;
  /** BUILD_IMAGE: the base plus this machine's pnpm (no registry needed to fetch it). */
  readonly build: string;
  /** How long making them took, ms (0 when they were there already). */
  readonly ms: number;
}

/** The pnpm package this test runs under (`pnpm test` sets npm_execpath to its bin), or undefined. */
export function pnpmPackageDir(): string | undefined {
  let dir = process.env.npm_execpath ? dirname(process.env.npm_execpath) : undefined;
  while (dir && dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'pnpm') return dir;
    dir = dirname(dir);
  }
  return undefined;
}

const exists = async (image: string) => (await execa('podman', ['image', 'exists', image], { reject: false })).exitCode === 0;
/** Whether `image` runs pnpm (a build image kept from a run outside pnpm has none). */
const hasPnpm = async (image: string) => (await execa('podman', ['run', '--rm', '--network', 'none', image, 'pnpm', '--version'], { reject: false, timeout: 60_000 })).exitCode === 0;

/**
 * Makes (once per Node version; kept between runs on one machine) the base image from Debian's
 * packages with mmdebstrap plus this machine's own Node (binary, npm, headers), imported into
 * podman; then the build image: the base plus pnpm copied from this machine. No image registry
 * is reached; mmdebstrap reads Debian's mirror as apt-get does.
 */
export async function ensureBaseImages(progress: (line: string) => void): Promise<BaseImages> {
  const tag = `node${process.versions.node}`;
  const base = `localhost/topolab-base:${tag}`;
  const build = `localhost/topolab-build:${tag}`;
  const started = performance.now();
  const pnpm = pnpmPackageDir();
  // The exported Dockerfile installs pnpm from the registry when its build image has none, which
  // a machine without a reachable registry cannot: the build image must carry this machine's.
  if (!pnpm) throw new Error('The engine tests run through pnpm (`npx pnpm@10 test:engine`): the build image takes its pnpm from npm_execpath.');
  if ((await exists(base)) && (await exists(build)) && (await hasPnpm(build))) return { base, build, ms: 0 };
  const work = mkdtempSync(join(tmpdir(), 'topolab-base-'));
  try {
    if (!(await exists(base))) {
      progress('base image: mmdebstrap bookworm (minbase) with this machine\'s Node…');
      const node = process.execPath;
      const npmDir = join(dirname(dirname(node)), 'lib', 'node_modules', 'npm');
      const headers = join(dirname(dirname(node)), 'include', 'node');
      const hooks = [
        `copy-in ${node} /usr/bin`,
        'mkdir -p "$1/usr/lib/node_modules" "$1/usr/include"',
        ...(existsSync(npmDir) ? [`copy-in ${npmDir} /usr/lib/node_modules`, 'chroot "$1" ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/bin/npm', 'chroot "$1" ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/bin/npx'] : []),
        ...(existsSync(headers) ? [`copy-in ${headers} /usr/include`] : []),
        'chroot "$1" useradd --uid 1000 --user-group --create-home --shell /bin/bash node',
        'rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/locale/*',
      ];
      const tar = join(work, 'rootfs.tar');
      await execa('mmdebstrap', ['--quiet', '--variant=minbase', '--include=ca-certificates', ...hooks.map((hook) => `--customize-hook=${hook}`), 'bookworm', tar], { timeout: 600_000 });
      await podman(['import', '--change', 'CMD ["node"]', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', tar, base]);
    }
    progress('build image: the base with this machine\'s pnpm…');
    const context = join(work, 'build-context');
    cpSync(pnpm, join(context, 'pnpm'), { recursive: true });
    const lines = [`FROM ${base}`, 'COPY pnpm /usr/lib/node_modules/pnpm', 'RUN ln -s ../lib/node_modules/pnpm/bin/pnpm.cjs /usr/bin/pnpm && pnpm --version'];
    writeFileSync(join(work, 'Containerfile'), `${lines.join('\n')}\n`);
    await podman(['build', '--quiet', '-f', join(work, 'Containerfile'), '-t', build, context], { timeout: 300_000 });
    return { base, build, ms: Math.round(performance.now() - started) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
