// Child of layers.test.mjs. Loads ortex's entry the way a user does and prints one JSON line with
// what loading it added to the process: Node built-ins (process.moduleLoadList), module files (URLs
// the ES module loader resolved, and require.cache) and active handles (a file watcher is one).
//   node load-entry-child.mjs import  <dist/index.js>      import 'ortex'
//   node load-entry-child.mjs require <dist/cjs/index.js>  require('ortex')
//   node load-entry-child.mjs control <dist/index.js>      import, then load node:http and start
//                                                          fs.watch(): proves the checks see them
// Run it with stdout and stderr on a file, not a pipe: a piped stdout is a net.Socket, so touching
// it (Node does, starting the hooks' worker) loads node:net before the import could be seen to.
// builtinsBefore lets the test check that nothing it looks for was loaded before the import.
import { watch } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const [mode, entry] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { port1, port2 } = new MessageChannel();
const resolved = [];
port1.on('message', (url) => resolved.push(url));
register('./record-resolve-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

const builtinsBefore = new Set(process.moduleLoadList);
const cachedBefore = new Set(Object.keys(require.cache));
if (mode === 'require') require(entry);
else await import(pathToFileURL(entry).href);
let watcher;
if (mode === 'control') {
  await import('node:http');
  watcher = watch(entry);
}
// The hooks thread posts before each resolve returns; one turn of the event loop delivers it all.
await new Promise((r) => setTimeout(r, 50));
const result = {
  builtinsBefore: [...builtinsBefore],
  builtins: process.moduleLoadList.filter((m) => !builtinsBefore.has(m)),
  modules: [...new Set([...resolved, ...Object.keys(require.cache).filter((f) => !cachedBefore.has(f))])],
  resources: process.getActiveResourcesInfo(),
};
watcher?.close();
port1.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
