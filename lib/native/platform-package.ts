/**
 * The platform packages: one npm package per platform (e.g. `@ortex/linux-x64`) holding the
 * addon (`ortex.node`) beside the ONNX Runtime library it was built and tested with, listed in
 * ortex's `optionalDependencies` so that npm installs only the one whose `os`/`cpu`/`libc` fields
 * fit the system. Their names are read from ortex's package.json (the one list of them); the
 * package for this system is the one whose name ends in `/<platform id>`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageManifest, packageRoot } from './package-root.js';

/** The addon's file name inside a platform package. */
export const ADDON_FILE = 'ortex.node';

/** The ONNX Runtime library's file name, per OS (as ORT's own builds name it). */
export const RUNTIME_LIBRARY_FILE: Readonly<Record<string, string>> = {
  linux: 'libonnxruntime.so.1',
  darwin: 'libonnxruntime.1.dylib',
  win32: 'onnxruntime.dll',
};

let libc: 'glibc' | 'musl' | undefined;

/** The C library on Linux, the way npm's `libc` field names it (detect-libc's file check). */
export function hostLibc(): 'glibc' | 'musl' | undefined {
  if (process.platform !== 'linux') return undefined;
  if (libc) return libc;
  try {
    libc = /musl/i.test(readFileSync('/usr/bin/ldd', 'latin1')) ? 'musl' : 'glibc';
  } catch {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    libc = header?.glibcVersionRuntime ? 'glibc' : 'musl';
  }
  return libc;
}

/** This system as platform packages are named: linux-x64, linuxmusl-arm64, darwin-arm64, win32-x64. */
export function platformId(): string {
  return `${hostLibc() === 'musl' ? 'linuxmusl' : process.platform}-${process.arch}`;
}

export interface PlatformPackage {
  /** This system's platform id. */
  id: string;
  /** Platform ids ortex has packages for. */
  shipped: string[];
  /** The package for this system, if ortex lists one. */
  name?: string;
  /** The exact version ortex depends on. */
  version?: string;
  /** Its folder, when installed. */
  dir?: string;
  /** The version installed there. */
  installedVersion?: string;
}

const idOf = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** The platform package for this system, and whether it is installed (resolved from ortex's folder). */
export function platformPackage(): PlatformPackage {
  const id = platformId();
  const deps = packageManifest().optionalDependencies ?? {};
  const result: PlatformPackage = { id, shipped: Object.keys(deps).map(idOf) };
  const name = Object.keys(deps).find((n) => idOf(n) === id);
  if (!name) return result;
  result.name = name;
  result.version = deps[name];
  try {
    const manifest = createRequire(join(packageRoot, 'package.json')).resolve(`${name}/package.json`);
    result.dir = dirname(manifest);
    result.installedVersion = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  } catch {
    /* not installed */
  }
  return result;
}
