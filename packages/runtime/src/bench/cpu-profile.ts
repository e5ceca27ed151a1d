import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** The parts of a V8 CPU profile (`node --cpu-prof`, Chrome DevTools' `.cpuprofile`) read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  /** Node id of each sample, in order. */
  readonly samples: readonly number[];
  /** µs since the previous sample, one per sample. */
  readonly timeDeltas: readonly number[];
}

/** One function's own time (without its callees') in a profile. */
export interface ProfileFunction {
  /** `handleRequest`, `(garbage collector)`, `(anonymous)`. */
  readonly name: string;
  /** `gateway.mjs:1234`, `node:internal/http:56`; empty for V8's own entries. */
  readonly location: string;
  readonly selfMs: number;
  /** Of the busy time (every sample but `(idle)`), 0..1. */
  readonly share: number;
}

/** The top of one process's profile. */
export interface CpuProfileSummary {
  /** `gateway#1`. */
  readonly instance: string;
  /** The profile's file, relative to the profile directory (`embedded-Xa12/gateway-1.cpuprofile`). */
  readonly file: string;
  /** Sampled time the process was busy (not `(idle)`), ms. */
  readonly busyMs: number;
  readonly idleMs: number;
  /** The functions with the most self time, most first. */
  readonly top: readonly ProfileFunction[];
}

const idle = '(idle)';
const hidden = new Set(['(root)', idle]);

/** Sums each function's self time (samples × their time deltas) and keeps the `top` heaviest. */
export function summarizeCpuProfile(profile: CpuProfile, instance: string, file: string, top = 15): CpuProfileSummary {
  const keyOf = new Map<number, { name: string; location: string }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    keyOf.set(node.id, { name: functionName || '(anonymous)', location: url ? `${shortUrl(url)}:${lineNumber + 1}` : '' });
  }
  const selfUs = new Map<string, { name: string; location: string; us: number }>();
  let idleUs = 0;
  let busyUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const us = Math.max(0, profile.timeDeltas[index] ?? 0);
    const key = keyOf.get(nodeId) ?? { name: '(unknown)', location: '' };
    if (key.name === idle) {
      idleUs += us;
      return;
    }
    busyUs += us;
    if (hidden.has(key.name)) return;
    const id = `${key.name}\u0000${key.location}`;
    const entry = selfUs.get(id) ?? { ...key, us: 0 };
    entry.us += us;
    selfUs.set(id, entry);
  });
  const functions = [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((entry) => ({ name: entry.name, location: entry.location, selfMs: round(entry.us / 1000), share: busyUs > 0 ? Math.round((entry.us / busyUs) * 1000) / 1000 : 0 }));
  return { instance, file, busyMs: round(busyUs / 1000), idleMs: round(idleUs / 1000), top: functions };
}

/**
 * Reads every `<service>-<n>.cpuprofile` under `dir` (one folder per topology) and summarises
 * each; a file that is not a profile is left out.
 */
export function readCpuProfiles(dir: string, top = 15): CpuProfileSummary[] {
  return profileFiles(dir).flatMap((path) => {
    try {
      const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
      if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) return [];
      return [summarizeCpuProfile(profile, instanceOf(basename(path)), relative(dir, path), top)];
    } catch {
      return [];
    }
  });
}

function profileFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? profileFiles(join(dir, entry.name)) : entry.name.endsWith('.cpuprofile') ? [join(dir, entry.name)] : []));
}

/** `gateway-1.cpuprofile` → `gateway#1`. */
function instanceOf(file: string): string {
  const match = /^(.+)-(\d+)\.cpuprofile$/.exec(file);
  return match ? `${match[1]}#${match[2]}` : file;
}

/** A script's URL without its folders (`file:///…/bundle/gateway.mjs` → `gateway.mjs`); Node's own stay `node:…`. */
function shortUrl(url: string): string {
  if (url.startsWith('node:')) return url;
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = path.lastIndexOf('/node_modules/');
  if (nodeModules >= 0) return path.slice(nodeModules + '/node_modules/'.length).replace(/^\.pnpm\/[^/]+\/node_modules\//, '');
  return path.slice(path.lastIndexOf('/') + 1);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
