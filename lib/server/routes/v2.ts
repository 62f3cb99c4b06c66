/**
 * The Open Inference Protocol (KServe v2) REST API: server and model metadata, health, infer,
 * Triton's model configuration (perf_analyzer needs it), and the repository extension.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrtexError } from '../../base/errors.js';
import { BodyBuffers } from '../body-buffers.js';
import { readAlignedBody } from '../body-reader.js';
import { datatypeOfTensorType, oipName } from '../datatypes.js';
import { findModel, inferThen, type InferenceHost } from '../infer.js';
import type { ModelVersion } from '../model-version.js';
import { decodeInputs, encodeResponse, INFER_REQUEST_SCHEMA, requestedOutputs, splitBody, type InferRequest } from '../oip.js';
import type { ModelEntry } from '../repository.js';
import { tritonModelStat } from '../statistics.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { ValueMetadata } from '../../tensor/value-metadata.js';
import { answerHeaders, sendJson } from './reply.js';

const asIs = (text: unknown) => text as string;
const EMPTY = new Uint8Array(0);
/** The most bytes of infer bodies kept for reuse per server (64 PP-OCR cls images take 7 MB). */
const BODY_BUFFERS_BYTES = 32 * 1024 * 1024;

export const EXTENSIONS = ['binary_tensor_data', 'model_repository', 'model_configuration', 'schedule_policy', 'statistics'];

interface ModelParams {
  model: string;
  version?: string;
}

function dimsOf(m: ValueMetadata): number[] {
  return m.isTensor ? m.shape.map((d) => (typeof d === 'number' ? d : -1)) : [];
}

function tensorList(list: readonly ValueMetadata[]) {
  return list.map((m) => ({ name: m.name, datatype: m.isTensor ? oipName(m.type) : m.kind.toUpperCase(), shape: dimsOf(m) }));
}

export function modelMetadata(entry: ModelEntry, v: ModelVersion) {
  return {
    name: entry.name,
    versions: [...entry.versions.keys()].sort((a, b) => Number(a) - Number(b)),
    platform: 'onnxruntime_onnx',
    inputs: tensorList(v.inputMetadata),
    outputs: tensorList(v.outputMetadata),
  };
}

/** Triton's model configuration JSON: max_batch_size, and dims without the batch dim when it is > 0. */
export function tritonConfig(entry: ModelEntry, v: ModelVersion) {
  const batching = v.batching;
  const b = v.batcher;
  const stats = b.stats().config;
  const io = (list: readonly ValueMetadata[], labels: boolean) =>
    list.map((m) => ({
      name: m.name,
      data_type: (m.isTensor ? datatypeOfTensorType(m.type)?.triton : undefined) ?? 'TYPE_INVALID',
      dims: batching ? dimsOf(m).slice(1) : dimsOf(m),
      ...(labels ? { label_filename: '' } : { format: 'FORMAT_NONE', optional: !m.isTensor && m.kind === 'optional' }),
    }));
  const policy = v.config.versionPolicy;
  const instances = v.config.instances ?? 1;
  return {
    name: entry.name,
    platform: 'onnxruntime_onnx',
    backend: 'onnxruntime',
    version_policy:
      !policy || 'latest' in policy
        ? { latest: { num_versions: policy && 'latest' in policy ? policy.latest : 1 } }
        : 'all' in policy
          ? { all: {} }
          : { specific: { versions: policy.specific.map(Number) } },
    max_batch_size: batching ? b.maxBatchSize : 0,
    input: io(v.inputMetadata, false),
    output: io(v.outputMetadata, true),
    ...(batching
      ? {
          dynamic_batching: {
            preferred_batch_size:
              v.config.batching && typeof v.config.batching === 'object' ? (v.config.batching.preferredBatchSizes ?? []) : [],
            max_queue_delay_microseconds: Math.round(stats.maxQueueDelayMs * 1000),
            default_queue_policy: {
              max_queue_size: stats.maxQueueSize === Infinity ? 0 : stats.maxQueueSize,
              default_timeout_microseconds: Math.round(v.limits.timeoutMs * 1000),
              timeout_action: 'REJECT',
            },
          },
        }
      : {}),
    instance_group: [{ name: `${entry.name}_0`, kind: 'KIND_CPU', count: instances }],
    parameters: {},
  };
}

export function registerV2Routes(
  app: FastifyInstance,
  host: InferenceHost,
  { serverVersion, bodyLimit }: { serverVersion: string; bodyLimit: number },
): void {
  const repo = host.repository;
  const route = (req: FastifyRequest<{ Params: ModelParams }>) => ({ requestId: String(req.id), headers: req.headers });
  const selected = (req: FastifyRequest<{ Params: ModelParams }>) => {
    const entry = findModel(host, req.params.model);
    return { entry, version: host.router.select(entry, req.params.version, route(req)) };
  };

  app.get('/v2', async (_req, reply) => sendJson(reply, 200, { name: 'ortex', version: serverVersion, extensions: EXTENSIONS }));
  app.get('/v2/health/live', async (_req, reply) => sendJson(reply, 200, { live: true }));
  app.get('/v2/health/ready', async (_req, reply) => {
    const ready = repo.ready;
    return sendJson(reply, ready ? 200 : 503, { ready });
  });

  // Statistics: every version of every model, of one model, or one version.
  app.get('/v2/models/stats', async (_req, reply) =>
    sendJson(reply, 200, { model_stats: [...repo.versions()].map((v) => tritonModelStat(v.stats())) }),
  );
  app.get('/v2/models/:model/stats', async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
    const entry = findModel(host, req.params.model);
    return sendJson(reply, 200, { model_stats: [...entry.versions.values()].map((v) => tritonModelStat(v.stats())) });
  });
  app.get('/v2/models/:model/versions/:version/stats', async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
    const entry = findModel(host, req.params.model);
    const v = entry.versions.get(req.params.version!);
    if (!v)
      throw new OrtexError(
        'ERR_NOT_FOUND',
        `expected a loaded version of model '${entry.name}' (${[...entry.versions.keys()].join(', ') || 'none'}), received '${req.params.version}'`,
      );
    return sendJson(reply, 200, { model_stats: [tritonModelStat(v.stats())] });
  });

  for (const base of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get(base, async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
      const { entry, version } = selected(req);
      return sendJson(reply, 200, modelMetadata(entry, version));
    });
    app.get(`${base}/ready`, async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
      const entry = findModel(host, req.params.model);
      let ready = false;
      try {
        ready = host.router.select(entry, req.params.version, route(req)).ready;
      } catch (e) {
        if ((e as OrtexError).code === 'ERR_NOT_FOUND') throw e;
      }
      return sendJson(reply, ready ? 200 : 503, { name: entry.name, ready });
    });
    app.get(`${base}/config`, async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
      const { entry, version } = selected(req);
      return sendJson(reply, 200, tritonConfig(entry, version));
    });
  }

  // Infer bodies are raw bytes (a JSON header, maybe binary tensors after it, with any or no
  // content type, as Triton's and KServe's clients send): their own parser, in their own context.
  // The parser reads the body into one buffer with the binary part aligned (body-reader.ts),
  // splits it and parses the header; Fastify checks the header against INFER_REQUEST_SCHEMA
  // (compiled once); the binary part waits on the request.
  app.register(async (raw) => {
    const bodies = new BodyBuffers(BODY_BUFFERS_BYTES);
    raw.decorateRequest('inferBinary', null);
    raw.removeAllContentTypeParsers();
    // Named types too, not only '*': Fastify caches the parser of a named type (see server.ts).
    for (const type of ['application/json', 'application/octet-stream', '*'])
      raw.addContentTypeParser(type, (req, payload, done) => {
        const given = req.headers['inference-header-content-length'];
        const lengthHeader = Array.isArray(given) ? given[0] : given;
        // Where the binary part will start, if the header is a plain length (splitBody checks it).
        const declared = lengthHeader === undefined ? 0 : Number(lengthHeader);
        const alignAt = Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
        readAlignedBody(
          payload,
          req.raw,
          bodyLimit,
          alignAt,
          (size) => bodies.take(size),
          (err, buf) => {
            if (err) return done(err, undefined);
            if (buf!.byteLength === 0) return done(null, undefined);
            try {
              const { header, binary } = splitBody(buf!, lengthHeader);
              (req as FastifyRequest & { inferBinary: Uint8Array | null }).inferBinary = binary;
              done(null, header);
            } catch (e) {
              done(e as Error, undefined);
            }
          },
        );
      });
    for (const base of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
      raw.post(
        `${base}/infer`,
        { schema: { body: INFER_REQUEST_SCHEMA } },
        // Not async: answered from inferThen's callback (no promise per request, see infer.ts).
        (req: FastifyRequest<{ Params: ModelParams; Body: InferRequest }>, reply: FastifyReply): void => {
          const request = req.body;
          const binary = (req as FastifyRequest & { inferBinary: Uint8Array | null }).inferBinary ?? EMPTY;
          const id = request.id ?? String(req.id);
          let wanted: { name: string; binary: boolean }[] = [];
          // Whether the body can be reused once answered: nothing but the run saw its tensors.
          // Observers and monitors may keep them (body-buffers.ts): none when the tensors were
          // decoded (observers' beforeRun), no monitor on the version, and none when the answer
          // was told (afterRun, checked in the callback).
          let reusable = false;
          inferThen(
            host,
            { ...route(req), body: request, protocol: 'v2', model: req.params.model, version: req.params.version, response: reply.raw },
            (v) => {
              wanted = requestedOutputs(request, v);
              const feeds = decodeInputs(request, binary, v);
              v.monitor?.validate(feeds as Record<string, Tensor>);
              reusable = host.observers.length === 0 && v.monitor === undefined;
              return feeds;
            },
            (v, out) => encodeResponse(v, id, out, wanted),
            (error, answer) => {
              if (error) return void reply.send(error);
              // The answer is a copy (encodeResponse), and the run that read the body has finished.
              if (reusable && host.observers.length === 0) bodies.give(binary);
              if (answer!.headerLength !== undefined) {
                reply.header('inference-header-content-length', String(answer!.headerLength));
                reply.header('content-type', 'application/octet-stream');
                answerHeaders(reply).code(200).send(answer!.body);
                return;
              }
              // Text as it is (the serializer keeps Fastify from appending a charset).
              answerHeaders(reply).code(200).header('content-type', 'application/json').serializer(asIs).send(answer!.body);
            },
          );
        },
      );
    }
  });

  app.post('/v2/repository/index', async (req, reply) => {
    const body = req.body as { ready?: unknown } | undefined;
    return sendJson(reply, 200, repo.index(body?.ready === true));
  });
  app.post('/v2/repository/models/:model/load', async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
    await repo.load(req.params.model);
    return sendJson(reply, 200, {});
  });
  app.post('/v2/repository/models/:model/unload', async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
    await repo.unload(req.params.model);
    return sendJson(reply, 200, {});
  });
}
