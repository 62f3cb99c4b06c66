/**
 * `Batcher.create`'s session layouts: whether it chooses the layout itself (`sessionLayout:
 * 'auto'`), and, when it does, the first session (one intra-op thread per run: each core computes
 * a batch of its own) and how to create the candidate later (one session whose runs use every
 * core). The probe that chooses between them is session-layout-probe.ts.
 *
 * The candidate is created from the same model: a path is loaded again (after checking that the
 * file is still the one loaded first: a model replaced on disk meanwhile is never mixed in), and
 * model bytes are copied at create (the caller may reuse or detach them) and kept until the probe
 * decides.
 */
import { stat } from 'node:fs/promises';
import { describe, invalid, OrtexError } from '../base/errors.js';
import { InferenceSession } from '../session/session.js';
import type { SessionOptions } from '../session/session-options.js';
import { DEFAULT_MAX_BATCH_SIZE, MAX_BATCH_SIZE } from './options.js';
import type { LayoutCandidate, SessionLayoutSpec } from './session-layout-probe.js';

export type SessionLayoutMode = 'auto' | 'given';

type ModelSource = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** What decides the mode: Batcher.create's options that shape the sessions. */
export interface LayoutInputs {
  sessionLayout: unknown;
  poolSize: number | undefined;
  sessionOptions: SessionOptions | undefined;
  schedule: string;
  cores: number;
}

/**
 * 'auto' by default when the Batcher builds its own session and nothing pins the layout: no
 * `poolSize`, no `sessionOptions.intraOpNumThreads`, the adaptive schedule, CPU providers only
 * (a GPU session per layout would hold the model twice in device memory for little gain), and more
 * than one core. `sessionLayout: 'auto'` given with any of those is refused (it could not apply).
 */
export function resolveSessionLayout(i: LayoutInputs): SessionLayoutMode {
  const what = 'Batcher option sessionLayout';
  if (i.sessionLayout !== undefined && i.sessionLayout !== 'auto' && i.sessionLayout !== 'given')
    throw invalid('ERR_INVALID_ARGUMENT', what, "'auto' or 'given'", describe(i.sessionLayout));
  const pinned =
    i.poolSize !== undefined
      ? 'poolSize'
      : i.sessionOptions?.intraOpNumThreads !== undefined
        ? 'sessionOptions.intraOpNumThreads'
        : i.schedule !== 'adaptive'
          ? `schedule '${i.schedule}'`
          : !cpuOnly(i.sessionOptions?.executionProviders)
            ? 'a non-CPU execution provider'
            : undefined;
  if (i.sessionLayout === 'auto' && pinned !== undefined)
    throw invalid('ERR_INVALID_ARGUMENT', what, `no 'auto' with ${pinned} (they fix the layout; leave sessionLayout out)`, "'auto'");
  if (i.sessionLayout === 'given' || pinned !== undefined || i.cores < 2) return 'given';
  return 'auto';
}

function cpuOnly(providers: readonly unknown[] | undefined): boolean {
  if (providers === undefined) return true;
  return providers.every((p) => {
    const name = typeof p === 'string' ? p : (p as { name?: unknown } | null)?.name;
    return typeof name === 'string' && /^cpu(executionprovider)?$/i.test(name);
  });
}

/** The first session of an automatic layout, and the candidate to probe. */
export interface AutoLayout {
  first: InferenceSession;
  candidate: LayoutCandidate;
}

/**
 * Creates the first layout's session and describes the candidate (created later, by the probe).
 * Rows per batch: `maxBatchSize` on both when given; else the default on the first layout and
 * `cores ×` the default on the candidate (one batch at a time on every core, where the first runs
 * one per core: the same rows in flight).
 */
export async function createAutoLayout(
  model: ModelSource,
  sessionOptions: SessionOptions | undefined,
  cores: number,
  maxBatchSize: number | undefined,
): Promise<AutoLayout> {
  const first: SessionLayoutSpec = { sessions: 1, intraOpNumThreads: 1, maxBatchSize: maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE };
  const second: SessionLayoutSpec = {
    sessions: 1,
    intraOpNumThreads: cores,
    maxBatchSize: maxBatchSize ?? Math.min(MAX_BATCH_SIZE, cores * DEFAULT_MAX_BATCH_SIZE),
  };
  let source: ModelSource;
  let identity: string | undefined;
  if (typeof model === 'string') {
    source = model;
    identity = await fileIdentity(model).catch(() => undefined);
  } else {
    const view = ArrayBuffer.isView(model)
      ? new Uint8Array(model.buffer, model.byteOffset, model.byteLength)
      : new Uint8Array(model as ArrayBuffer);
    source = view.slice();
  }
  const session = await InferenceSession.create(source, { ...sessionOptions, intraOpNumThreads: first.intraOpNumThreads });
  const create = async (): Promise<InferenceSession> => {
    if (typeof source === 'string') {
      const now = await fileIdentity(source).catch(() => 'gone');
      if (now !== identity)
        throw new OrtexError('ERR_MODEL_LOAD', `the model file ${source} changed since the batcher loaded it (not mixing two versions)`);
    }
    return InferenceSession.create(source, { ...sessionOptions, intraOpNumThreads: second.intraOpNumThreads });
  };
  return { first: session, candidate: { first, candidate: second, create } };
}

async function fileIdentity(path: string): Promise<string> {
  const s = await stat(path);
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
}
