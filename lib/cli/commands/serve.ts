/**
 * `ortex serve [model.onnx | folder] [--port 8000] [--host 127.0.0.1] [--config file]`: the model
 * server. With no argument it serves `/mnt/models` when that exists (KServe's mount), else the
 * bundled Iris classifier. KServe custom-predictor conventions are honoured: `PORT`,
 * `--model_name`, `--model_dir`, `--http_port`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OrtexError } from '../../base/errors.js';
import { packageRoot } from '../../native/loader.js';
import type { Command } from '../command.js';

const USAGE = `Usage: ortex serve [model.onnx | folder] [options]

Serves ONNX models over HTTP: the Open Inference Protocol (KServe v2, /v2/...), POST /predict,
health, a model repository with hot reload, and Prometheus metrics on /metrics.

  model.onnx        one model, served as <basename> version 1
  folder            a repository (<model>/<version>/model.onnx) or one model's folder
  (none)            /mnt/models if it exists (KServe), else the bundled Iris classifier

Options:
  --port N          port (default: $PORT, else the config's, else 8000); --http_port is the same
  --host ADDR       address to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --config FILE     server configuration, YAML or JSON (docs/serving.md#configuration)
  --model_name NAME name of a single model (KServe); --model-name is the same
  --model_dir DIR   same as the folder argument (KServe); --model-dir is the same
  --auth-token-file FILE  require Authorization: Bearer <the file's content>
  --no-watch        do not reload models when their files change
  --log-level L     fatal, error, warn, info (default), debug, trace or silent
  -h, --help        this help
`;

interface Args {
  help: boolean;
  models?: string;
  port?: number;
  host?: string;
  config?: string;
  name?: string;
  tokenFile?: string;
  watch: boolean;
  logLevel?: string;
}

function parsePort(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new OrtexError('ERR_INVALID_ARGUMENT', `expected a port from 0 to 65535 for ${what}, received '${v}'`);
  return n;
}

export function parseServeArgs(argv: string[]): Args {
  const args: Args = { help: false, watch: true };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new OrtexError('ERR_INVALID_ARGUMENT', `expected a value after ${a}`);
      return v;
    };
    if (a === '-h' || a === '--help') args.help = true;
    else if (a === '--port' || a === '--http_port' || a === '--http-port') args.port = parsePort(value(), a);
    else if (a === '--host') args.host = value();
    else if (a === '--config') args.config = value();
    else if (a === '--model_name' || a === '--model-name') args.name = value();
    else if (a === '--model_dir' || a === '--model-dir') args.models = value();
    else if (a === '--auth-token-file') args.tokenFile = value();
    else if (a === '--no-watch') args.watch = false;
    else if (a === '--log-level') args.logLevel = value();
    else if (a.startsWith('-')) throw new OrtexError('ERR_INVALID_ARGUMENT', `unknown option ${a}\n\n${USAGE}`);
    else rest.push(a);
  }
  if (rest.length > 1)
    throw new OrtexError(
      'ERR_INVALID_ARGUMENT',
      `expected one model file or folder, received ${rest.length}: ${rest.join(' ')}\n\n${USAGE}`,
    );
  if (rest[0] !== undefined) {
    if (args.models !== undefined)
      throw new OrtexError('ERR_INVALID_ARGUMENT', 'expected either a folder argument or --model_dir, received both');
    args.models = rest[0];
  }
  return args;
}

/** The bundled default model (trained by tools/train-iris.mjs). */
export const DEFAULT_MODEL = join(packageRoot, 'models', 'iris');
const KSERVE_MOUNT = '/mnt/models';

export const command: Command = {
  name: 'serve',
  usage: USAGE,
  async run(argv) {
    const args = parseServeArgs(argv);
    if (args.help) {
      console.log(USAGE);
      return 0;
    }
    const { createServer, installShutdown } = await import('../../server/index.js');
    const { checkConfig, readConfigFile } = await import('../../server/config.js');
    const config = args.config
      ? checkConfig<import('../../server/config.js').ServerConfig>('server', readConfigFile(args.config), `config file ${args.config}`)
      : {};
    if (args.tokenFile) config.auth = { ...(config.auth ?? {}), tokenFile: args.tokenFile };
    if (!args.watch) config.watch = false;
    if (args.logLevel) config.logLevel = args.logLevel;
    const models = args.models ?? (existsSync(KSERVE_MOUNT) ? KSERVE_MOUNT : DEFAULT_MODEL);
    if (!existsSync(models))
      throw new OrtexError('ERR_INVALID_ARGUMENT', `expected a model file or folder, received ${models}, which does not exist`);
    const envPort =
      process.env.PORT !== undefined && process.env.PORT !== '' ? parsePort(process.env.PORT, 'the PORT variable') : undefined;
    const port = args.port ?? envPort ?? config.port ?? 8000;
    const host = args.host ?? config.host ?? '127.0.0.1';
    const app = await createServer({ models, ...(args.name ? { name: args.name } : {}), config });
    installShutdown(app, config.shutdownGraceMs);
    const address = await app.listen({ port, host });
    app.log.info(
      {
        address,
        ...(config.dashboard === false ? {} : { dashboard: `${address}/dashboard` }),
        models,
        served: app.ortex.repository.entries().map((e) => ({ model: e.name, state: e.state, versions: [...e.versions.keys()] })),
      },
      'ortex serve listening',
    );
    // Stays up until a signal: installShutdown exits the process.
    return await new Promise<number>(() => undefined);
  },
};
