// ONNX Runtime's LICENSE and ThirdPartyNotices.txt for one ORT version: every platform package
// ships them beside the library. onnxruntime-node's npm tarball (where the library comes from)
// carries neither, so they come from, in order:
//   1. ORT_NOTICES_DIR: a folder holding both, e.g. an extracted ORT release archive
//      (onnxruntime-<platform>-<version>.tgz from github.com/microsoft/onnxruntime/releases);
//   2. the `onnxruntime==<version>` Python wheel, Microsoft's build of the same release, fetched
//      with pip from the configured package index (pip download --no-deps) and read as a zip;
//      the result is cached in build-gyp/onnxruntime-<version>-notices/.
// The version must match exactly: the third-party list changes between releases (1.30 added
// DeepGEMM to 1.29's).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NOTICE_FILES = { license: 'LICENSE', notices: 'ThirdPartyNotices.txt' };

function python() {
  for (const cmd of ['python3', 'python']) {
    const r = spawnSync(cmd, ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  return undefined;
}

/** Copies LICENSE and ThirdPartyNotices.txt out of the onnxruntime wheel for `version` into `dest`. */
function fromWheel(version, dest) {
  const py = python();
  if (!py) return 'no python with pip on PATH';
  const tmp = mkdtempSync(join(tmpdir(), 'ortex-ort-wheel-'));
  try {
    const dl = spawnSync(
      py,
      [
        '-m',
        'pip',
        'download',
        `onnxruntime==${version}`,
        '--no-deps',
        '--only-binary=:all:',
        '--dest',
        tmp,
        '--quiet',
        '--disable-pip-version-check',
      ],
      { encoding: 'utf8', timeout: 10 * 60_000 },
    );
    const wheel = readdirSync(tmp).find((f) => f.startsWith(`onnxruntime-${version}-`) && f.endsWith('.whl'));
    if (dl.status !== 0 || !wheel)
      return `pip download onnxruntime==${version} failed (exit ${dl.status}): ${(dl.stderr || dl.stdout || '').trim().split('\n').slice(-3).join(' ')}`;
    mkdirSync(dest, { recursive: true });
    const extract = `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for name, out in (('onnxruntime/LICENSE', sys.argv[2]), ('onnxruntime/ThirdPartyNotices.txt', sys.argv[3])):
    open(out, 'wb').write(z.read(name))`;
    const x = spawnSync(py, ['-c', extract, join(tmp, wheel), join(dest, NOTICE_FILES.license), join(dest, NOTICE_FILES.notices)], {
      encoding: 'utf8',
    });
    if (x.status !== 0) return `cannot read the notices from ${wheel}: ${x.stderr.trim()}`;
    return undefined;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * { license, notices, source }: paths to ONNX Runtime `version`'s two files, and where they came
 * from (in words, without local paths: it goes into the published README). Throws with what was
 * tried and how to provide them.
 */
export function ortNotices(version, { cacheRoot }) {
  const has = (dir) => existsSync(join(dir, NOTICE_FILES.license)) && existsSync(join(dir, NOTICE_FILES.notices));
  const paths = (dir, source) => ({ license: join(dir, NOTICE_FILES.license), notices: join(dir, NOTICE_FILES.notices), source });
  const given = process.env.ORT_NOTICES_DIR;
  if (given) {
    if (has(given)) return paths(given, `ONNX Runtime ${version}'s release files (ORT_NOTICES_DIR)`);
    throw new Error(`ORT_NOTICES_DIR=${given} does not hold ${NOTICE_FILES.license} and ${NOTICE_FILES.notices}`);
  }
  const cache = join(cacheRoot, `onnxruntime-${version}-notices`);
  if (has(cache)) return paths(cache, `the onnxruntime ${version} Python wheel`);
  const problem = fromWheel(version, cache);
  if (!problem && has(cache)) return paths(cache, `the onnxruntime ${version} Python wheel`);
  rmSync(cache, { recursive: true, force: true });
  throw new Error(
    `cannot get ONNX Runtime ${version}'s ${NOTICE_FILES.license} and ${NOTICE_FILES.notices}: ${problem}. ` +
      `Set ORT_NOTICES_DIR to a folder holding both (they are in every ORT ${version} release archive, ` +
      `https://github.com/microsoft/onnxruntime/releases/tag/v${version}), or make pip able to download onnxruntime==${version}.`,
  );
}

export function copyNotices(version, dest, { cacheRoot, names }) {
  const found = ortNotices(version, { cacheRoot });
  copyFileSync(found.license, join(dest, names.license));
  copyFileSync(found.notices, join(dest, names.notices));
  return found.source;
}
