/**
 * Files that appear whole or not at all. The data goes to a temporary file in the same folder
 * (`.<name>.<pid>-<random>.tmp`, opened with O_EXCL so it never writes through a planted file or
 * link), is flushed to disk, and only then gets its final name: renamed over it (`replace`), or
 * hard-linked to it so that an existing file is never replaced (link fails with EEXIST; the temp
 * name is then removed). A reader never sees half a CSV, and a crash mid-write leaves only a
 * dot-named `.tmp` file, never a partial `.csv`. Where the file system has no hard links, an
 * existence check then a rename stands in for the link (exclusive within one process only).
 *
 * Hand-written rather than `write-file-atomic`: that package always replaces the target, and the
 * exports need the no-replace publication (two exports in one millisecond get two files).
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { tempFileName } from './export-names.js';

/** link() errors that mean "no hard links here", not "the name is taken". */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

const errorCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** Writes `data` to a new temporary file in `dir` named after `name`, flushed to disk; resolves to its path. */
export async function writeTemp(dir: string, name: string, data: string): Promise<string> {
  const path = join(dir, tempFileName(name, process.pid, randomBytes(4).toString('hex')));
  const file = await open(path, 'wx', 0o644);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (e) {
    await file.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw e;
  }
  await file.close();
  return path;
}

/**
 * Gives the temporary file `temp` its final name `path` (same folder). With `replace` an existing
 * file is replaced; without, an existing `path` rejects with EEXIST and `temp` stays for another try.
 */
export async function publish(temp: string, path: string, replace: boolean): Promise<void> {
  if (replace) {
    await rename(temp, path);
  } else {
    try {
      await link(temp, path);
    } catch (e) {
      if (!NO_HARD_LINKS.has(errorCode(e) ?? '')) throw e;
      const taken = await lstat(path).then(
        () => true,
        (err: unknown) => (errorCode(err) === 'ENOENT' ? false : Promise.reject(err)),
      );
      if (taken) throw Object.assign(new Error(`EEXIST: file already exists, link '${temp}' -> '${path}'`), { code: 'EEXIST' });
      await rename(temp, path);
      return syncFolder(dirname(path));
    }
    await unlink(temp).catch(() => undefined); // a leftover temp file is stale; retention removes it later
  }
  await syncFolder(dirname(path));
}

/** Makes the folder's new entry durable (best effort: some platforms cannot open a folder for sync). */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // not supported here (Windows); the rename itself is still atomic
  }
}

/** Writes `data` to `path` atomically, replacing what was there; the folder is created. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = await writeTemp(dir, basename(path), data);
  try {
    await publish(temp, path, true);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
