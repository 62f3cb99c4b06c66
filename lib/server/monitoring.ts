/**
 * Monitoring in the server: a model version's `monitoring` section (config.ts) becomes one
 * {@link Monitor} per loaded version, created after the warm-up and closed when the version
 * retires, so a hot reload starts a fresh window against the new version's own profile.
 *
 * Files: relative paths are looked up in the version's folder, then in the model's folder (the
 * profile ships with its version, `<model>/<version>/profile.json`; a schema may sit beside it or
 * be shared by the model). A file the config names must exist (the version fails to load, the
 * previous one keeps serving); the default names (`schema.json`, `profile.json`) are optional:
 * without a schema file the baseline schema comes from the model's metadata, without a profile
 * the model is validated and counted but not judged.
 *
 * Observation happens off the response path: {@link observeLater} queues the request's inputs and
 * outputs and one `setImmediate` per event-loop turn counts the queue into the monitors, after the
 * answers are written. The queue is bounded; what does not fit is dropped and counted, never
 * waited for. `ortex/monitoring` is loaded only when a model has a monitoring section.
 */
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { OrtexError } from '../base/errors.js';
import type { Monitor, MonitorOptions } from '../monitoring/index.js';
import type { ModelIO } from '../session/model-io.js';
import type { ReturnType } from '../session/session.js';
import type { Tensor } from '../tensor/tensor.js';
import type { MonitoringConfig } from './config.js';
import type { Log } from './repository.js';

export const DEFAULT_SCHEMA_FILE = 'schema.json';
export const DEFAULT_PROFILE_FILE = 'profile.json';
/** Where exported reservoir samples go when `reservoir.dir` is not set. */
export const DEFAULT_RESERVOIR_DIR = join(tmpdir(), 'ortex-reservoir');
/** Most requests waiting to be observed; beyond it observations are dropped (and counted). */
export const OBSERVE_QUEUE_LIMIT = 65_536;

/** Where a version's monitoring files are. */
export interface MonitoringPlaces {
  /** The version's folder (the model file's folder for a single-file model). */
  versionDir: string;
  /** The model's folder (the same as versionDir for a single-file model). */
  modelDir: string;
}

/** True when the section asks for monitoring (present and not `enabled: false`). */
export function monitoringEnabled(config: MonitoringConfig | undefined): config is MonitoringConfig {
  return config !== undefined && config.enabled !== false;
}

/** A configured (or default) file: the first of the version's folder and the model's folder that has it. */
function findFile(name: string, places: MonitoringPlaces): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const dir of [places.versionDir, places.modelDir]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The schema and profile files a section resolves to (undefined: none; configured but missing: throws ERR_MODEL_LOAD). */
export function monitoringFiles(config: MonitoringConfig, places: MonitoringPlaces): { schema?: string; profile?: string } {
  const pick = (configured: string | undefined, fallback: string, what: string) => {
    const found = findFile(configured ?? fallback, places);
    if (configured !== undefined && found === undefined)
      throw new OrtexError(
        'ERR_MODEL_LOAD',
        `expected the monitoring ${what} file '${configured}' in ${places.versionDir}${places.modelDir !== places.versionDir ? ` or ${places.modelDir}` : ''}, received no such file`,
      );
    return found;
  };
  const schema = pick(config.schema, DEFAULT_SCHEMA_FILE, 'schema');
  const profile = pick(config.profile, DEFAULT_PROFILE_FILE, 'profile');
  return { ...(schema ? { schema } : {}), ...(profile ? { profile } : {}) };
}

/**
 * Identity (size, mtime) of the monitoring files that live outside the version's folder (the
 * version's own files are in its fingerprint already): a changed shared schema reloads the version.
 */
export function monitoringFingerprint(config: MonitoringConfig | undefined, places: MonitoringPlaces): string {
  if (!monitoringEnabled(config)) return '';
  let files: { schema?: string; profile?: string };
  try {
    files = monitoringFiles(config, places);
  } catch {
    return 'missing';
  }
  return [files.schema, files.profile]
    .filter((f): f is string => f !== undefined && !f.startsWith(places.versionDir))
    .map((f) => {
      const s = statSync(f);
      return `${f}:${s.size}:${s.mtimeMs}`;
    })
    .join('|');
}

/** Where a version's reservoir exports go (absolute: a relative `reservoir.dir` is taken from the working directory). */
export function reservoirDir(config: MonitoringConfig | undefined): string {
  return resolve(config?.reservoir?.dir ?? DEFAULT_RESERVOIR_DIR);
}

/**
 * The monitor of one model version, or undefined when its config has no (enabled) monitoring
 * section. Throws (ERR_MODEL_LOAD naming the file) when a file is missing or invalid.
 */
export async function createVersionMonitor(o: {
  model: string;
  version: string;
  config: MonitoringConfig | undefined;
  places: MonitoringPlaces;
  io: ModelIO;
  metadata: Readonly<Record<string, string>>;
  log: Log;
}): Promise<Monitor | undefined> {
  const c = o.config;
  if (!monitoringEnabled(c)) return undefined;
  const monitoring = await import('../monitoring/index.js');
  const files = monitoringFiles(c, o.places);
  const loaded = async <T>(path: string, load: (p: string) => Promise<T>): Promise<T> => {
    try {
      return await load(path);
    } catch (e) {
      throw new OrtexError('ERR_MODEL_LOAD', `monitoring of model '${o.model}' version ${o.version}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };
  const schema = files.schema
    ? await loaded(files.schema, monitoring.loadSchema)
    : monitoring.Schema.fromModel(o.io, { custom: c.features ? { feature_names: JSON.stringify(c.features) } : { ...o.metadata } });
  const profile = files.profile ? await loaded(files.profile, monitoring.loadProfile) : undefined;
  if (!profile) o.log.warn({ model: o.model, version: o.version }, 'no reference profile: inputs are validated, drift is not judged');
  const options: MonitorOptions = {
    model: o.model,
    version: o.version,
    schema,
    io: o.io,
    logger: o.log,
    ...(profile ? { profile } : {}),
    ...(c.window ? { window: c.window } : {}),
    ...(c.minSamples !== undefined ? { minSamples: c.minSamples } : {}),
    ...(c.statistic !== undefined ? { statistic: c.statistic } : {}),
    ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    ...(c.columns ? { columns: c.columns } : {}),
    ...(c.aggregation ? { aggregation: c.aggregation } : {}),
    ...(c.statistics ? { statistics: c.statistics } : {}),
    ...(c.reservoir?.size ? { reservoir: { ...c.reservoir, dir: reservoirDir(c) } } : {}),
    ...(c.trigger ? { trigger: { ...c.trigger, ...(c.reservoir?.size ? { exportReservoir: reservoirDir(c) } : {}) } } : {}),
  };
  try {
    return new monitoring.Monitor(options);
  } catch (e) {
    throw new OrtexError('ERR_MODEL_LOAD', `monitoring of model '${o.model}' version ${o.version}: ${(e as Error).message}`, { cause: e });
  }
}

interface Observation {
  monitor: Monitor;
  feeds: Record<string, Tensor>;
  outputs: ReturnType;
}

const queue: Observation[] = [];
let scheduled = false;
let dropped = 0;

function flush(): void {
  scheduled = false;
  // Observations queued while flushing wait for the next turn (a flush never runs unbounded).
  const n = queue.length;
  for (let i = 0; i < n; i++) {
    const o = queue[i]!;
    o.monitor.observe(o.feeds, o.outputs); // never throws
  }
  queue.splice(0, n);
}

/** Counts a request's inputs and outputs into its monitor after the current event-loop turn. */
export function observeLater(monitor: Monitor, feeds: Record<string, Tensor>, outputs: ReturnType): void {
  if (queue.length >= OBSERVE_QUEUE_LIMIT) {
    dropped++;
    return;
  }
  queue.push({ monitor, feeds, outputs });
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

/** Observations dropped because the queue was full (since the process started). */
export function droppedObservations(): number {
  return dropped;
}

/** Resolves once every queued observation has been counted (tests, graceful shutdown). */
export function observationsSettled(): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (queue.length === 0 && !scheduled ? resolve() : setImmediate(check));
    check();
  });
}

/**
 * Writes a version's reservoir sample as a new CSV file into its `reservoir.dir` (or `dir`),
 * atomically, then applies the version's retention policy there (Monitor.exportReservoirTo);
 * resolves to the file and the rows written. ERR_NOT_FOUND when the version has no monitoring or
 * no reservoir.
 */
export async function exportVersionReservoir(
  version: { model: string; version: string; monitor: Monitor | undefined; config: { monitoring?: MonitoringConfig } },
  dir = reservoirDir(version.config.monitoring),
): Promise<{ path: string; rows: number }> {
  const { path, rows } = await reservoirOf(version).exportReservoirTo(dir);
  return { path, rows };
}

/** The monitor of a version that keeps a reservoir; ERR_NOT_FOUND naming what is missing otherwise. */
export function reservoirOf(version: { model: string; version: string; monitor: Monitor | undefined }): Monitor {
  const m = version.monitor;
  if (!m)
    throw new OrtexError(
      'ERR_NOT_FOUND',
      `expected a monitored model for a reservoir sample, received model '${version.model}' version ${version.version} without monitoring`,
    );
  if (!m.hasReservoir)
    throw new OrtexError(
      'ERR_NOT_FOUND',
      `expected a reservoir for model '${version.model}' version ${version.version}, received none (set monitoring.reservoir.size)`,
    );
  return m;
}
