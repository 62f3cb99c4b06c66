// lib/ has one folder per layer, and a file imports only from its own layer or a lower one (type
// imports included: a lower layer does not know a higher one's types either). The imports are read
// with TypeScript's parser (import-graph.mjs). And `import 'ortex'` stays a library: it never loads
// an HTTP or socket module, Fastify or a file watcher (the server is `ortex/server`, monitoring
// `ortex/monitoring`), checked on the import graph and in a child process that loads the build.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importsOf, LIB, libFiles, rel, resolveLib, ROOT } from './import-graph.mjs';

/** Layers, lowest first: a file may import from a layer of the same or a lower rank. */
const RANKS = { base: 0, native: 1, tensor: 2, providers: 3, session: 4, batching: 5, monitoring: 6, server: 7, cli: 8 };
/** lib/index.ts, the public entry (`import 'ortex'`): any layer but these. */
const ENTRY = join(LIB, 'index.ts');
const NOT_FROM_ENTRY = ['monitoring', 'server', 'cli'];
/** As an import target the entry sits above the core it re-exports: only monitoring, server, cli may use it. */
const ENTRY_RANK = RANKS.batching + 0.5;

/** The layer of a lib/ file: its first folder below lib/; 'index' for lib/index.ts; null otherwise. */
function layerOf(file) {
  const parts = rel(file).split('/').slice(1);
  if (parts.length === 1) return file === ENTRY ? 'index' : null;
  return parts[0];
}
const rankOf = (layer) => (layer === 'index' ? ENTRY_RANK : RANKS[layer]);

const files = libFiles();
const graph = new Map(files.map((f) => [f, importsOf(f).map((i) => ({ ...i, target: resolveLib(f, i.specifier) }))]));
const where = (file, i) => `${rel(file)}:${i.line}`;

test('the import graph was read (the checks below have something to check)', () => {
  assert.ok(files.length >= 20, `${files.length} files under lib/`);
  const edges = [...graph.values()].flat();
  assert.ok(edges.filter((e) => e.target).length >= 50, 'imports between lib/ files');
  assert.ok(
    edges.some((e) => e.kind === 'type'),
    'type-only imports are told apart',
  );
  assert.ok(
    graph.get(ENTRY).some((e) => e.target && layerOf(e.target) === 'session' && e.kind === 'static'),
    'lib/index.ts re-exports session/',
  );
});

test('every folder of lib/ is a layer with a rank, and only index.ts sits directly in lib/', () => {
  const problems = [];
  for (const entry of readdirSync(LIB, { withFileTypes: true })) {
    if (entry.isDirectory() && !(entry.name in RANKS)) {
      problems.push(
        `lib/${entry.name}/ is not in the layer table (${Object.keys(RANKS).join(' < ')}): give it a rank in ${rel(fileURLToPath(import.meta.url))}`,
      );
    }
    if (entry.isFile() && entry.name.endsWith('.ts') && join(LIB, entry.name) !== ENTRY) {
      problems.push(`lib/${entry.name} is in no layer: move it into the folder of its layer`);
    }
  }
  assert.equal(problems, [], problems.join('\n'));
});

test('no file imports from a higher layer (or a missing file)', () => {
  const problems = [];
  for (const [file, imports] of graph) {
    const layer = layerOf(file);
    if (layer === null || !(layer in RANKS || layer === 'index')) continue; // reported by the test above
    for (const i of imports) {
      if (i.target === undefined) continue; // node: built-ins and other packages
      const how = i.kind === 'static' ? 'imports' : i.kind === 'type' ? 'imports types from' : 'dynamically imports';
      if (i.target === null) {
        problems.push(`${where(file, i)} ${how} '${i.specifier}', which is no file of lib/`);
        continue;
      }
      const to = layerOf(i.target);
      if (to === null || !(to in RANKS || to === 'index')) continue;
      const ok = layer === 'index' ? !NOT_FROM_ENTRY.includes(to) : to === layer || rankOf(to) <= rankOf(layer);
      if (!ok) {
        const why =
          layer === 'index'
            ? `the public entry must not import ${NOT_FROM_ENTRY.join('/')} (they are subpath exports of their own)`
            : `layer '${layer}' (rank ${rankOf(layer)}) must not import from higher layer '${to}' (rank ${rankOf(to)})`;
        problems.push(`${where(file, i)} ${how} '${i.specifier}' (${rel(i.target)}): ${why}`);
      }
    }
  }
  assert.equal(problems, [], `\n${problems.join('\n')}`);
});

// ---- import 'ortex' never loads these ----
/** Modules a library import must not load: [specifier pattern, what it is]. */
const FORBIDDEN_MODULES = [
  [/^(node:)?(http|https|http2|_http_\w+)$/, 'an HTTP module'],
  [/^(node:)?(net|tls|dgram)$/, 'a socket module'],
  [
    /^(node:)?(child_process|cluster)$/,
    'child_process, which loads node:net and node:dgram (import it where it is used, with await import())',
  ],
  [/^(fastify|@fastify\/[\w.-]+)(\/|$)/, 'Fastify'],
  [/^(chokidar|watchpack|node-watch|@parcel\/watcher)(\/|$)/, 'a file watcher'],
];
/** Named imports that start a file watcher. */
const WATCHERS = { fs: ['watch', 'watchFile'], 'fs/promises': ['watch'] };

test("import 'ortex' loads no HTTP or socket module, Fastify, file watcher, server, monitoring or CLI (static import graph)", () => {
  const problems = [];
  const seen = new Set([ENTRY]);
  const queue = [[ENTRY, []]];
  while (queue.length) {
    const [file, path] = queue.shift();
    const chain = [...path, rel(file)].join(' -> ');
    for (const i of graph.get(file)) {
      if (i.kind !== 'static') continue; // erased types, and import() that runs only when called
      if (i.target === undefined) {
        const bad = FORBIDDEN_MODULES.find(([re]) => re.test(i.specifier));
        if (bad) problems.push(`${chain} imports '${i.specifier}' (${where(file, i)}): ${bad[1]}`);
        const watchers = WATCHERS[i.specifier.replace(/^node:/, '')]?.filter((n) => i.names.includes(n)) ?? [];
        if (watchers.length)
          problems.push(`${chain} imports ${watchers.join(', ')} from '${i.specifier}' (${where(file, i)}): a file watcher`);
        continue;
      }
      if (!i.target || seen.has(i.target)) continue;
      const layer = layerOf(i.target);
      if (NOT_FROM_ENTRY.includes(layer))
        problems.push(`${chain} reaches ${rel(i.target)} (${where(file, i)}): lib/${layer}/ is not part of 'ortex'`);
      seen.add(i.target);
      queue.push([i.target, [...path, rel(file)]]);
    }
  }
  assert.ok(seen.size >= 15, `${seen.size} files load with the entry`);
  assert.equal(problems, [], `\n${problems.join('\n')}`);
});

// ---- and at run time, in a child process that loads the build ----
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'load-entry-child.mjs');
const FORBIDDEN_BUILTINS = /^NativeModule (https?|http2|_http_\w+|net|tls|_tls_\w+|dgram|child_process|cluster)$/;
const FORBIDDEN_FILES =
  /[\\/]node_modules[\\/](fastify|@fastify|chokidar|watchpack|node-watch|@parcel[\\/]watcher)[\\/]|[\\/]dist[\\/](cjs[\\/])?(server|monitoring|cli)[\\/]/;
const WATCH_HANDLES = new Set(['FSEventWrap', 'StatWatcher']);

const work = mkdtempSync(join(tmpdir(), 'ortex-layers-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the child with stdout/stderr on a file (see load-entry-child.mjs) and returns what it saw. */
function load(mode, entry) {
  const out = join(work, `${mode}.log`);
  const fd = openSync(out, 'w');
  let r;
  try {
    r = spawnSync(process.execPath, [CHILD, mode, entry], {
      stdio: ['ignore', fd, fd],
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
  } finally {
    closeSync(fd);
  }
  const text = readFileSync(out, 'utf8');
  assert.is(r.status, 0, `child (${mode}) exited ${r.status} ${r.signal ?? ''}:\n${text}`);
  const loaded = JSON.parse(text.trim().split('\n').pop());
  const preloaded = loaded.builtinsBefore.filter((m) => FORBIDDEN_BUILTINS.test(m));
  assert.equal(preloaded, [], 'nothing the check looks for was loaded before the import (or it could not be seen)');
  const forbidden = [
    ...loaded.builtins.filter((m) => FORBIDDEN_BUILTINS.test(m)),
    ...loaded.modules.filter((m) => /^node:/.test(m) && FORBIDDEN_MODULES.some(([re]) => re.test(m))),
    ...loaded.modules.filter((m) => FORBIDDEN_FILES.test(m)),
    ...loaded.resources.filter((h) => WATCH_HANDLES.has(h)).map((h) => `active ${h} handle (a file watcher)`),
  ];
  return { ...loaded, forbidden: [...new Set(forbidden)] };
}

const ESM_ENTRY = join(ROOT, 'dist', 'index.js');
const CJS_ENTRY = join(ROOT, 'dist', 'cjs', 'index.js');

test("import 'ortex' (dist/index.js) loads none of them at run time", () => {
  const r = load('import', ESM_ENTRY);
  assert.ok(
    r.modules.some((m) => m.endsWith('/dist/session/session.js')),
    'the child saw the entry load its files',
  );
  assert.equal(r.forbidden, [], `loaded by import 'ortex': ${r.forbidden.join(', ')}`);
});

test("require('ortex') (dist/cjs/index.js) loads none of them at run time", () => {
  const r = load('require', CJS_ENTRY);
  assert.ok(
    r.modules.some((m) => /[\\/]dist[\\/]cjs[\\/]session[\\/]session\.js$/.test(m)),
    'the child saw the entry load its files',
  );
  assert.equal(r.forbidden, [], `loaded by require('ortex'): ${r.forbidden.join(', ')}`);
});

test('control: the run-time check sees node:http and an fs.watch() when they are there', () => {
  const r = load('control', ESM_ENTRY);
  assert.ok(r.forbidden.includes('NativeModule http'), `moduleLoadList: ${r.forbidden.join(', ')}`);
  assert.ok(r.forbidden.includes('node:http'), 'resolved by the ES module loader');
  assert.ok(r.forbidden.includes('active FSEventWrap handle (a file watcher)'), `handles: ${r.resources.join(', ')}`);
});

test.run();
