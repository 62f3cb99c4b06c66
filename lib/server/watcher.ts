/**
 * Watches a model repository and reconciles the model a change belongs to, once the files have
 * been still for `debounceMs` (chokidar's awaitWriteFinish: a file still being written does not
 * trigger a load; one that is half-written anyway fails to load and the old version keeps
 * serving). chokidar rather than fs.watch: recursive fs.watch is not reliable on Linux in Node 20
 * and misses files in folders created after the watch started.
 */
import { watch, type FSWatcher } from 'chokidar';
import type { Log, ModelRepository } from './repository.js';

export interface RepositoryWatcher {
  close(): Promise<void>;
}

export function watchRepository(repo: ModelRepository, debounceMs: number, log: Log): RepositoryWatcher {
  const timers = new Map<string, NodeJS.Timeout>();
  const root = repo.root;
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    depth: repo.source.kind === 'file' ? 0 : 3,
    awaitWriteFinish: { stabilityThreshold: Math.max(50, debounceMs), pollInterval: Math.max(20, Math.min(100, debounceMs / 2)) },
    ignored: (path: string) => /(^|[/\\])\.[^/\\]/.test(path.slice(root.length)),
  });
  const onChange = (path: string) => {
    // Debounce per top-level entry (a model folder): a copy of many files reloads once.
    const key = path.slice(root.length + 1).split(/[/\\]/)[0] ?? '';
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        repo.changed(path);
      }, debounceMs),
    );
  };
  watcher.on('all', (_event, path) => onChange(path));
  watcher.on('error', (e) => log.warn({ err: (e as Error).message }, 'repository watcher error'));
  return {
    async close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await watcher.close();
    },
  };
}
