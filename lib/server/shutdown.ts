/** Graceful shutdown on SIGTERM/SIGINT for a process that runs the server (the CLI, a container). */
import type { FastifyInstance } from 'fastify';

/**
 * On SIGTERM or SIGINT: `app.ortex.shutdown(graceMs)`, then exit 0 (1 if shutting down threw).
 * A second signal exits at once. Returns a function that removes the handlers.
 */
export function installShutdown(app: FastifyInstance, graceMs?: number, exit: (code: number) => void = (c) => process.exit(c)): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    app.log.info({ signal }, 'signal received');
    app.ortex.shutdown(graceMs).then(
      () => exit(0),
      (e: unknown) => {
        app.log.error({ err: (e as Error).message }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
