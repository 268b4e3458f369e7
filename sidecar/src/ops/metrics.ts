// Prometheus metrics for /metrics. Gauges that mirror other state are read at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly callsTotal = new Counter({
    name: 'centralino_calls_total',
    help: 'Calls handled',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly ariReconnects = new Counter({
    name: 'centralino_ari_reconnects_total',
    help: 'ARI reconnects',
    registers: [this.registry],
  });
  readonly routingSeconds = new Histogram({
    name: 'centralino_routing_overhead_seconds',
    help: 'StasisStart to answer',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly eventLagSeconds = new Histogram({
    name: 'centralino_ari_event_lag_seconds',
    help: 'ARI event arrival to handler start',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  constructor(sources: {
    activeCalls(): number;
    outboxDepth(): Promise<number>;
    ariConnected(): boolean;
  }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'centralino_' });
    new Gauge({
      name: 'centralino_calls_active',
      help: 'Calls in progress',
      registers: [this.registry],
      collect() {
        this.set(sources.activeCalls());
      },
    });
    new Gauge({
      name: 'centralino_ari_connected',
      help: '1 when ARI is connected',
      registers: [this.registry],
      collect() {
        this.set(sources.ariConnected() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'centralino_outbox_depth',
      help: 'CRM writes waiting to be delivered',
      registers: [this.registry],
      async collect() {
        this.set(await sources.outboxDepth());
      },
    });
  }
}
