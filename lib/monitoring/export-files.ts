/**
 * Reservoir exports as files in a folder, with bounded disk use. Each export of a model version is
 * written atomically (atomic-file.ts) under a new name (`<model>-<version>-<time>[-<n>].csv`,
 * export-names.ts: a second export in the same millisecond gets `-1`, never the first one's file),
 * then the version's older exports beyond the retention policy are deleted:
 * - `keep` (default 10): the newest `keep` export files of the version stay, older ones go;
 *   0 = no limit by count.
 * - `maxAgeMs` (default none): files whose name's time is older than this go.
 * The file just written is never deleted, and neither is a file that is held (a retraining
 * trigger's firing holds its file until its command has exited and its webhook has been answered:
 * hold/release below). Only regular files in the folder whose names parse back to the version's
 * own prefix are candidates: symbolic links, folders, other versions' exports and a user's files
 * are never touched. Temporary files this scheme left behind (a crash mid-write) are removed once
 * an hour old. A failed delete (EACCES, a file already gone) is reported to the caller, counted
 * and logged by the monitor; it never fails the export.
 *
 * Exports of one version into one folder run one at a time in this process (writing, naming and
 * pruning), so two concurrent exports neither take the same name nor prune each other's file.
 */
import { lstat, mkdir, readdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, invalid } from '../base/errors.js';
import { integer, knownKeys, object } from '../base/validate.js';
import { publish, writeTemp } from './atomic-file.js';
import { exportFileName, exportPrefix, parseExportFileName, parseTempFileName } from './export-names.js';

/** Export files kept per model version when `keep` is not set. */
export const DEFAULT_KEEP = 10;
/** Temporary files older than this are taken for a crashed write's leftovers and removed. */
export const STALE_TEMP_MS = 3_600_000;
/** Most same-millisecond names tried before an export gives up. */
const MAX_SEQUENCE = 1000;

export interface RetentionOptions {
  /** Newest export files kept per model version (default 10; 0: no limit by count). */
  keep: number;
  /** Export files older than this (by the time in their name) are deleted (default: no age limit). */
  maxAgeMs?: number;
}

/** The reservoir option's keys (the Monitor checks them; size and seed are the sample's). */
export const RESERVOIR_KEYS = ['size', 'seed', 'dir', 'keep', 'maxAgeMs'] as const;

/** Checks a monitor's `reservoir` option (known keys, retention values in range); resolves the retention policy. */
export function reservoirRetention(v: unknown): RetentionOptions {
  if (v === undefined) return { keep: DEFAULT_KEEP };
  const o = object(v, 'the monitor option reservoir');
  knownKeys(o, 'the monitor option reservoir', RESERVOIR_KEYS);
  if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir === ''))
    throw invalid('ERR_INVALID_ARGUMENT', 'reservoir.dir', 'a folder path', describe(o.dir));
  const keep = o.keep === undefined ? DEFAULT_KEEP : integer(o.keep, 'reservoir.keep', 0);
  return o.maxAgeMs === undefined ? { keep } : { keep, maxAgeMs: integer(o.maxAgeMs, 'reservoir.maxAgeMs', 1) };
}

// Files held by a firing in progress (absolute path → holders), across every monitor of the process.
const held = new Map<string, number>();

function hold(path: string): () => void {
  held.set(path, (held.get(path) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (held.get(path) ?? 1) - 1;
    if (n > 0) held.set(path, n);
    else held.delete(path);
  };
}

// One chain of exports per folder and version prefix.
const chains = new Map<string, Promise<unknown>>();

async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const run = (chains.get(key) ?? Promise.resolve()).then(work);
  const tail = run.catch(() => undefined);
  chains.set(key, tail);
  try {
    return await run;
  } finally {
    if (chains.get(key) === tail) chains.delete(key);
  }
}

export interface ExportRequest {
  dir: string;
  model: string;
  version: string;
  /** The CSV text. */
  data: string;
  /** Time for the file name and for `maxAgeMs` (ms since the epoch). */
  now: number;
  retention: RetentionOptions;
  /** Hold the new file against retention until the returned release() is called. */
  hold?: boolean;
}

export interface ExportOutcome {
  /** The file written (absolute). */
  path: string;
  /** Files retention deleted. */
  deleted: string[];
  /** Files retention could not delete, with the error. */
  failed: { path: string; error: Error }[];
  /** With `hold`: lets retention delete the file again. */
  release?: () => void;
}

/** Writes one export file atomically under a new name, then applies the retention policy to the version's files. */
export function writeExport(request: ExportRequest): Promise<ExportOutcome> {
  const dir = resolve(request.dir);
  const prefix = exportPrefix(request.model, request.version);
  return oneAtATime(`${dir}\u0000${prefix}`, async () => {
    await mkdir(dir, { recursive: true });
    const first = exportFileName(request.model, request.version, request.now);
    const temp = await writeTemp(dir, first, request.data);
    let path: string | undefined;
    try {
      for (let n = 0; path === undefined; n++) {
        const candidate = join(dir, n === 0 ? first : exportFileName(request.model, request.version, request.now, n));
        try {
          await publish(temp, candidate, false);
          path = candidate;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= MAX_SEQUENCE) throw e;
        }
      }
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    const release = request.hold ? hold(path) : undefined;
    const outcome = await prune(dir, prefix, path, request.now, request.retention);
    return { path, ...outcome, ...(release ? { release } : {}) };
  });
}

/** Deletes the version's export files beyond the policy (never `newest`, never a held file) and its stale temporary files. */
async function prune(
  dir: string,
  prefix: string,
  newest: string,
  now: number,
  { keep, maxAgeMs }: RetentionOptions,
): Promise<Pick<ExportOutcome, 'deleted' | 'failed'>> {
  const deleted: string[] = [];
  const failed: ExportOutcome['failed'] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    return { deleted, failed: [{ path: dir, error: e as Error }] };
  }
  const exports: { path: string; time: number; n: number }[] = [];
  const temps: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue; // symbolic links (never followed), folders, sockets: not ours
    const parsed = parseExportFileName(entry.name);
    if (parsed) {
      if (parsed.prefix === prefix) exports.push({ path: join(dir, entry.name), time: parsed.time, n: parsed.n });
      continue;
    }
    const final = parseTempFileName(entry.name);
    if (final !== undefined && parseExportFileName(final)?.prefix === prefix) temps.push(join(dir, entry.name));
  }
  exports.sort((a, b) => b.time - a.time || b.n - a.n); // newest first
  const victims = exports
    .filter((f, i) => (keep > 0 && i >= keep) || (maxAgeMs !== undefined && now - f.time > maxAgeMs))
    .map((f) => f.path)
    .filter((p) => p !== newest && !held.has(p));
  for (const temp of temps) {
    // a temp file's age by its modification time: a write in progress in another process is young
    const stale = await lstat(temp).then(
      (s) => s.isFile() && Date.now() - s.mtimeMs > STALE_TEMP_MS,
      () => false,
    );
    if (stale) victims.push(temp);
  }
  for (const path of victims) {
    try {
      await unlink(path);
      deleted.push(path);
    } catch (e) {
      failed.push({ path, error: e as Error });
    }
  }
  return { deleted, failed };
}
