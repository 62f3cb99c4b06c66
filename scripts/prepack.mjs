#!/usr/bin/env node
// `prepack`: npm runs it for `npm pack` and `npm publish` in this checkout, and refuses them here.
// Packing the checkout as it is would publish its package.json with the dev scripts (`prepare`
// builds from source with cmake-js) and devDependencies, and no binaries: those ship in the
// platform packages. `npm run pack:all` (scripts/pack.mjs) makes every tarball from a staging
// copy with the published package.json; a release publishes those files
// (docs/getting-started.md#releasing).
console.error(
  'prepack: this checkout is not packed as it is. Run `npm run pack:all`, which writes the ortex tarball ' +
    "and the platform packages' tarballs into pack/; install or `npm publish` those files.",
);
process.exit(1);
