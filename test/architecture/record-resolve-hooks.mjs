// Module customization hooks registered by load-entry-child.mjs: every URL the ES module loader
// resolves (node: built-ins included) is posted to the child's main thread.
let port;

export function initialize(data) {
  port = data.port;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  port.postMessage(result.url);
  return result;
}
