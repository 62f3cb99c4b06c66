/**
 * The model repository: which models and versions exist on disk, which of them serve, and the
 * swaps between them.
 *
 * Layout (Triton's): `<repository>/<model>/<version>/model.onnx` (external data files beside
 * it), versions are integers, and `<model>/config.yaml` (or .yml, .json) is optional. A single
 * model folder (`<model>/<version>/model.onnx`) or a single `.onnx` file (served as version 1)
 * works too.
 *
 * Swaps: a new or changed version is loaded and warmed while the old one keeps serving; then it
 * takes traffic and the old one retires (waits for requests that hold it, drains, releases). A
 * load that fails leaves whatever served before in place and is reported: the model's `reason`,
 * `ortex_model_load_failures_total`, a log line and a `'failure'` event. Reconciles of one model
 * run one at a time; a watch event that arrives during one schedules another.
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { OrtexError } from '../base/errors.js';
import { checkConfig, MODEL_CONFIG_FILES, mergeModelConfigs, readConfigFile, type ModelConfig, type VersionPolicy } from './config.js';
import { ModelVersion } from './model-version.js';
import { monitoringFingerprint } from './monitoring.js';

/** The part of a pino logger the repository uses. */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Where models come from. */
export type RepositorySource =
  /** A repository folder, or one model's folder (`<version>/model.onnx` inside). */
  | { kind: 'folder'; path: string; name?: string }
  /** One ONNX file, served as version 1. */
  | { kind: 'file'; path: string; name?: string };

export type ModelState = 'loading' | 'ready' | 'unavailable' | 'unloaded';

/** A model the server knows: the versions serving now and what happened last. */
export interface ModelEntry {
  readonly name: string;
  /** Versions taking traffic, by version string. */
  readonly versions: Map<string, ModelVersion>;
  state: ModelState;
  /** Why the model (or its last load) is not as configured, for the repository index. */
  reason: string;
  /** Versions found on disk, for the index. */
  available: string[];
  /** Counters for /metrics. */
  loads: number;
  unloads: number;
  failures: number;
  /** Explicitly unloaded through the API: file changes do not bring it back, `load` does. */
  unloaded: boolean;
  /** The model's config as last read (defaults, its file and the server's overrides merged). */
  config: ModelConfig;
}

interface VersionFile {
  version: string;
  path: string;
  fingerprint: string;
}

interface ModelFolder {
  name: string;
  /** The model's folder (config file, version folders), or undefined for a single file. */
  dir: string | undefined;
  /** The file of a single-file model. */
  file: string | undefined;
}

export interface RepositoryOptions {
  /** Server-wide defaults and per-model overrides, layered over each model's config file. */
  defaults?: ModelConfig;
  overrides?: Record<string, ModelConfig>;
  log: Log;
}

export interface IndexEntry {
  name: string;
  version?: string;
  state: 'READY' | 'LOADING' | 'UNAVAILABLE' | 'UNLOADING';
  reason: string;
}

const VERSION_RE = /^\d+$/;

function fingerprintOf(dir: string | undefined, file: string): string {
  const parts: string[] = [];
  const add = (p: string) => {
    const s = statSync(p);
    parts.push(`${basename(p)}:${s.size}:${s.mtimeMs}`);
  };
  add(file);
  if (dir)
    for (const f of readdirSync(dir).sort())
      if (join(dir, f) !== file) {
        try {
          add(join(dir, f));
        } catch {
          /* vanished */
        }
      }
  return parts.join('|');
}

function applyPolicy(policy: VersionPolicy | undefined, available: VersionFile[]): VersionFile[] {
  const sorted = [...available].sort((a, b) => Number(b.version) - Number(a.version));
  if (!policy || 'latest' in policy) return sorted.slice(0, policy && 'latest' in policy ? policy.latest : 1);
  if ('all' in policy) return sorted;
  const wanted = new Set(policy.specific.map(String));
  return sorted.filter((v) => wanted.has(v.version));
}

export class ModelRepository extends EventEmitter {
  readonly source: RepositorySource;
  readonly #o: RepositoryOptions;
  readonly #entries = new Map<string, ModelEntry>();
  readonly #folders = new Map<string, ModelFolder>();
  readonly #chains = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  readonly #retiring = new Set<Promise<void>>();
  /**
   * `<model>/<version>` → fingerprint of files that failed to load: the watcher retries a failed
   * version only when its files change again (one bad push is one failure, not one per file
   * event); the repository API's `load` always retries.
   */
  readonly #failedFiles = new Map<string, string>();
  #started = false;
  /** Versions that must stay loaded whatever the version policy says (a rollout's serving version and candidate). */
  #retain: ((model: string) => readonly string[]) | undefined;
  #closing = false;

  constructor(source: RepositorySource, options: RepositoryOptions) {
    super();
    this.source = { ...source, path: resolve(source.path) };
    this.#o = options;
  }

  /** The root the file watcher watches. */
  get root(): string {
    return this.source.kind === 'file' ? dirname(this.source.path) : this.source.path;
  }

  /** True when the source is a repository of several model folders (not one model). */
  get multiModel(): boolean {
    return this.source.kind === 'folder' && !ModelRepository.#isModelFolder(this.source.path);
  }

  static #isModelFolder(dir: string): boolean {
    try {
      return readdirSync(dir).some((f) => VERSION_RE.test(f) && existsSync(join(dir, f, 'model.onnx')));
    } catch {
      return false;
    }
  }

  /** Model folders present now. */
  #scan(): ModelFolder[] {
    const s = this.source;
    if (s.kind === 'file') return [{ name: s.name ?? basename(s.path).replace(/\.onnx$/i, ''), dir: undefined, file: s.path }];
    if (!existsSync(s.path)) throw new OrtexError('ERR_MODEL_LOAD', `the model repository ${s.path} does not exist`);
    if (!this.multiModel) {
      // One model's folder; or a folder holding a single .onnx file (KServe's /mnt/models).
      const onnx = readdirSync(s.path).filter((f) => f.toLowerCase().endsWith('.onnx'));
      if (!ModelRepository.#isModelFolder(s.path) && onnx.length === 1) {
        return [{ name: s.name ?? onnx[0]!.replace(/\.onnx$/i, ''), dir: undefined, file: join(s.path, onnx[0]!) }];
      }
      if (ModelRepository.#isModelFolder(s.path)) return [{ name: s.name ?? basename(s.path), dir: s.path, file: undefined }];
    }
    return readdirSync(s.path, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && ModelRepository.#isModelFolder(join(s.path, d.name)))
      .map((d) => ({ name: d.name, dir: join(s.path, d.name), file: undefined }));
  }

  #versions(folder: ModelFolder): VersionFile[] {
    if (folder.file)
      return existsSync(folder.file) ? [{ version: '1', path: folder.file, fingerprint: fingerprintOf(undefined, folder.file) }] : [];
    const out: VersionFile[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(folder.dir!);
    } catch {
      return [];
    }
    for (const v of names) {
      if (!VERSION_RE.test(v)) continue;
      const dir = join(folder.dir!, v);
      const file = join(dir, 'model.onnx');
      try {
        out.push({ version: String(Number(v)), path: file, fingerprint: fingerprintOf(dir, file) });
      } catch {
        /* no model.onnx (yet) */
      }
    }
    return out;
  }

  #config(folder: ModelFolder): ModelConfig {
    let own: ModelConfig | undefined;
    if (folder.dir) {
      const file = MODEL_CONFIG_FILES.map((f) => join(folder.dir!, f)).find((f) => existsSync(f));
      if (file) own = checkConfig<ModelConfig>('model', readConfigFile(file), `the config of model '${folder.name}'`);
    }
    return mergeModelConfigs(this.#o.defaults, own, this.#o.overrides?.[folder.name]);
  }

  /**
   * Keeps the versions `fn(model)` names loaded (when on disk) beside those the version policy
   * selects: a rollout's serving version and candidate never fall out because a newer version appeared.
   */
  retain(fn: ((model: string) => readonly string[]) | undefined): void {
    this.#retain = fn;
  }

  /** Finds every model and loads it (failures are reported per model, not thrown). */
  async start(): Promise<void> {
    for (const f of this.#scan()) this.#folders.set(f.name, f);
    await Promise.all([...this.#folders.keys()].map((name) => this.reconcile(name)));
    this.#started = true;
  }

  /** Every configured model (not explicitly unloaded) has a ready version, and the server is not closing. */
  get ready(): boolean {
    if (!this.#started || this.#closing) return false;
    for (const e of this.#entries.values()) if (!e.unloaded && e.state !== 'ready') return false;
    return this.#entries.size > 0 || this.#folders.size === 0;
  }

  get(name: string): ModelEntry | undefined {
    return this.#entries.get(name);
  }

  entries(): ModelEntry[] {
    return [...this.#entries.values()];
  }

  /** The name of the only model, when there is exactly one (what `/predict` serves); no allocation. */
  onlyModel(): string | undefined {
    if (this.#entries.size !== 1) return undefined;
    for (const name of this.#entries.keys()) return name;
    return undefined;
  }

  /** Every version of every model, for /metrics. */
  *versions(): Iterable<ModelVersion> {
    for (const e of this.#entries.values()) yield* e.versions.values();
  }

  /** The repository index: every model found on disk, per version, with its state. */
  index(readyOnly = false): IndexEntry[] {
    try {
      for (const f of this.#scan()) if (!this.#folders.has(f.name)) this.#folders.set(f.name, f);
    } catch {
      /* the folder vanished: list what is known */
    }
    const out: IndexEntry[] = [];
    for (const name of [...this.#folders.keys()].sort()) {
      const e = this.#entries.get(name);
      if (!e || e.versions.size === 0) {
        if (!readyOnly) out.push({ name, state: e?.state === 'loading' ? 'LOADING' : 'UNAVAILABLE', reason: e?.reason ?? 'not loaded' });
        continue;
      }
      for (const [version, v] of [...e.versions].sort((a, b) => Number(a[0]) - Number(b[0]))) {
        if (readyOnly && !v.ready) continue;
        out.push({ name, version, state: v.ready ? 'READY' : 'UNLOADING', reason: '' });
      }
    }
    return out;
  }

  /** Loads (or reloads) a model from disk now: the repository API's `load`. Rejects with the load error. */
  async load(name: string): Promise<void> {
    const f = this.#scan().find((m) => m.name === name);
    if (!f) throw new OrtexError('ERR_NOT_FOUND', `expected a model folder for model '${name}' in the repository, received none`);
    this.#folders.set(name, f);
    const e = this.#entry(name);
    e.unloaded = false;
    for (const key of this.#failedFiles.keys()) if (key.startsWith(`${name}/`)) this.#failedFiles.delete(key);
    await this.reconcile(name);
    if (e.state !== 'ready') throw new OrtexError('ERR_MODEL_LOAD', `model '${name}' failed to load: ${e.reason}`);
  }

  /** Retires every version of a model until `load` is called: the repository API's `unload`. */
  async unload(name: string): Promise<void> {
    const e = this.#entries.get(name);
    if (!e) throw new OrtexError('ERR_NOT_FOUND', `expected a loaded model name, received '${name}'`);
    e.unloaded = true;
    await this.#serial(name, async () => {
      const retired = [...e.versions.values()];
      e.versions.clear();
      e.state = 'unloaded';
      e.reason = 'unloaded';
      for (const v of retired) this.#retire(e, v);
      await Promise.all(retired.map((v) => v.retire()));
    });
  }

  /** Something changed under the repository root (from the watcher): reconciles the model it belongs to. */
  changed(path: string): void {
    if (this.#closing) return;
    const rel = relative(this.root, resolve(this.root, path));
    if (rel.startsWith('..')) return;
    let name: string | undefined;
    if (this.multiModel) name = rel.split(sep)[0];
    else name = [...this.#folders.keys()][0] ?? this.#scan()[0]?.name;
    if (!name) return;
    if (this.multiModel && !this.#folders.has(name)) {
      const f = this.#scan().find((m) => m.name === name);
      if (!f) return;
      this.#folders.set(name, f);
    }
    if (this.#entries.get(name)?.unloaded) return;
    void this.reconcile(name);
  }

  #entry(name: string): ModelEntry {
    let e = this.#entries.get(name);
    if (!e) {
      e = {
        name,
        versions: new Map(),
        state: 'loading',
        reason: '',
        available: [],
        loads: 0,
        unloads: 0,
        failures: 0,
        unloaded: false,
        config: {},
      };
      this.#entries.set(name, e);
    }
    return e;
  }

  /** Runs `fn` after the model's previous reconcile. */
  #serial(name: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.#chains.get(name) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.#chains.set(name, next);
    void next.finally(() => {
      if (this.#chains.get(name) === next) this.#chains.delete(name);
    });
    return next;
  }

  /** Brings a model's serving versions in line with its folder and config. Never rejects. */
  reconcile(name: string): Promise<void> {
    if (this.#chains.has(name)) {
      // One is running: run once more after it (coalescing bursts of file events).
      if (this.#again.has(name)) return this.#chains.get(name)!;
      this.#again.add(name);
    }
    return this.#serial(name, async () => {
      this.#again.delete(name);
      if (!this.#closing) await this.#reconcile(name);
    });
  }

  async #reconcile(name: string): Promise<void> {
    const folder = this.#folders.get(name);
    const e = this.#entry(name);
    if (e.unloaded) return;
    const log = this.#o.log;
    let config: ModelConfig;
    let available: VersionFile[];
    try {
      available = folder ? this.#versions(folder) : [];
      config = folder ? this.#config(folder) : {};
    } catch (err) {
      this.#failed(e, undefined, err);
      return;
    }
    e.available = available.map((v) => v.version).sort((a, b) => Number(a) - Number(b));
    e.config = config;
    // Before any version loads: a rollout policy sees the config a new version arrives with.
    this.emit('config', { model: name, config });
    // A rollout change is applied by the router, not by reloading every version.
    const { rollout: _rollout, ...loaded } = config;
    const configHash = createHash('sha1').update(JSON.stringify(loaded)).digest('hex').slice(0, 12);
    const desired = applyPolicy(config.versionPolicy, available);
    for (const version of this.#retain?.(name) ?? []) {
      const file = available.find((a) => a.version === version);
      if (file && !desired.includes(file)) desired.push(file);
    }
    let failed = false;
    for (const d of desired) {
      const places = { versionDir: dirname(d.path), modelDir: folder?.dir ?? dirname(d.path) };
      const fingerprint = `${d.fingerprint}|config:${configHash}|monitoring:${monitoringFingerprint(config.monitoring, places)}`;
      const current = e.versions.get(d.version);
      if (current?.fingerprint === fingerprint) continue;
      const key = `${name}/${d.version}`;
      if (this.#failedFiles.get(key) === fingerprint) {
        failed = true;
        continue;
      }
      if (e.versions.size === 0) e.state = 'loading';
      try {
        const started = performance.now();
        const v = await ModelVersion.load({ model: name, version: d.version, path: d.path, config, fingerprint, places, log });
        if (this.#closing) {
          await v.retire();
          return;
        }
        e.versions.set(d.version, v);
        e.loads++;
        this.#failedFiles.delete(key);
        log.info(
          { model: name, version: d.version, ms: Math.round(performance.now() - started), replaced: current !== undefined },
          'model version loaded',
        );
        this.emit('load', { model: name, version: d.version });
        if (current) this.#retire(e, current);
      } catch (err) {
        failed = true;
        this.#failedFiles.set(key, fingerprint);
        this.#failed(e, d.version, err);
      }
    }
    const keep = new Set(desired.map((d) => d.version));
    for (const [version, v] of [...e.versions]) {
      // A version that disappeared from disk, or fell out of the policy, retires; but while a
      // version the policy wants failed to load, the versions serving now stay (a bad push never
      // takes the model down), unless their own files are gone.
      const gone = !available.some((a) => a.version === version);
      if (!keep.has(version) && (!failed || gone)) {
        e.versions.delete(version);
        this.#retire(e, v);
      }
    }
    if (e.versions.size > 0) {
      e.state = 'ready';
      if (!failed) e.reason = '';
    } else {
      e.state = 'unavailable';
      if (!failed) e.reason = desired.length === 0 ? 'no version found in the model folder' : e.reason;
    }
  }

  #failed(e: ModelEntry, version: string | undefined, err: unknown): void {
    const error = err as OrtexError;
    e.failures++;
    e.reason = `${version !== undefined ? `version ${version}: ` : ''}${error.message ?? String(err)}`;
    if (e.versions.size === 0) e.state = 'unavailable';
    this.#o.log.error(
      { model: e.name, version, code: error.code, err: error.message, serving: [...e.versions.keys()] },
      e.versions.size ? 'model version failed to load; the previous version keeps serving' : 'model failed to load',
    );
    this.emit('failure', { model: e.name, version, error });
  }

  #retire(e: ModelEntry, v: ModelVersion): void {
    e.unloads++;
    const p = v
      .retire()
      .then(
        () => {
          this.#o.log.info({ model: e.name, version: v.version }, 'model version released');
          this.emit('unload', { model: e.name, version: v.version });
        },
        (err: unknown) => {
          this.#o.log.error({ model: e.name, version: v.version, err: (err as Error).message }, 'model version failed to release');
        },
      )
      .finally(() => this.#retiring.delete(p));
    this.#retiring.add(p);
  }

  /**
   * Stops loading, drains and releases every version. With `abandon`, queued requests are
   * answered ERR_CLOSED instead of run (a shutdown past its grace period).
   */
  async close(abandon = false): Promise<void> {
    this.#closing = true;
    const all = [...this.versions()];
    await Promise.all([...all.map((v) => (abandon ? v.abandon() : v.retire())), ...this.#retiring]);
    await Promise.all([...this.#chains.values()].map((p) => p.catch(() => undefined)));
  }

  /** Readiness is false from now on (the server is shutting down); traffic still flows until close(). */
  beginShutdown(): void {
    this.#closing = true;
  }
}
