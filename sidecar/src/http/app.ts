// The sidecar's HTTP surface. Issue by issue it grows OAuth, webhooks, workflow actions, the
// widget and card APIs; errors are mapped to statuses in one place.
import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Logger } from '../ports.ts';
import type { Metrics } from '../ops/metrics.ts';

export interface Readiness {
  database(): Promise<boolean>;
  ari(): boolean;
  accepting(): boolean;
}

export function createHttpApp(deps: {
  readiness: Readiness;
  metrics?: Metrics;
  log: Logger;
  /** Feature routers (OAuth, webhooks, actions, card APIs, …), mounted in order. */
  routers?: readonly Router[];
}): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const checks = {
      database: await deps.readiness.database(),
      ari: deps.readiness.ari(),
      accepting: deps.readiness.accepting(),
    };
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks });
  });

  if (deps.metrics) {
    const registry = deps.metrics.registry;
    app.get('/metrics', async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    });
  }

  for (const router of deps.routers ?? []) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });

  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    deps.log.error({ err }, 'request failed');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
  };
  app.use(onError);
  return app;
}
