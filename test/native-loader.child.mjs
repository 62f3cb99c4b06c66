// Child of native-loader.test.mjs: loads a package's dist/ in a fresh process (so the loader's
// cache and the environment start clean) and prints one JSON line.
//   node native-loader.child.mjs <dist file URL> addon             -> { path, origin } of loadNative()
//   node native-loader.child.mjs <dist file URL> runtime [library] -> runtimeInfo() after init({ runtimeLibrary })
// On an error: { code, name, message, details }.
const [url, what, library] = process.argv.slice(2);
const m = await import(url);
try {
  if (what === 'addon') {
    const { path, origin } = m.loadNative();
    console.log(JSON.stringify({ path, origin }));
  } else {
    m.init(library ? { runtimeLibrary: library } : {});
    const { addonPath, libraryPath, librarySource, ortVersion } = m.runtimeInfo();
    console.log(JSON.stringify({ addonPath, libraryPath, librarySource, ortVersion }));
  }
} catch (e) {
  console.log(JSON.stringify({ code: e.code, name: e.name, message: e.message, details: e.details }));
}
