// Cross-checks of a schema-valid flows file: references between nodes, flows, queues and
// calendars, each problem with the path of the node that has it.
import type { FlowNode } from './flow-nodes.ts';
import type { FlowsFile } from './flow-schema.ts';

export function checkNodes(
  list: FlowNode[],
  at: string,
  file: FlowsFile,
  problems: string[],
): void {
  list.forEach((n, i) => {
    const here = `${at}[${i}]`;
    const sub = (key: string, l: FlowNode[] | undefined) => {
      if (l) checkNodes(l, `${here}.${key}`, file, problems);
    };
    switch (n.type) {
      case 'time-switch':
        if (!(n.calendar in file.calendars))
          problems.push(`${here}.calendar: no calendar named '${n.calendar}'`);
        sub('open', n.open);
        sub('closed', n.closed);
        sub('holiday', n.holiday);
        return;
      case 'menu':
        for (const [k, l] of Object.entries(n.options)) sub(`options.${k}`, l);
        sub('fallback', n.fallback);
        return;
      case 'support-gate':
        sub('paid', n.paid);
        sub('other', n.other);
        sub('fallback', n.fallback);
        return;
      case 'queue':
        if (!file.queues.includes(n.queue))
          problems.push(`${here}.queue: unknown queue '${n.queue}' (declare it under 'queues')`);
        sub('overflow', n.overflow);
        sub('noAgents', n.noAgents);
        return;
      case 'park':
        if (n.slots[0] > n.slots[1])
          problems.push(`${here}.slots: first slot ${n.slots[0]} after last ${n.slots[1]}`);
        sub('onTimeout', n.onTimeout);
        return;
      case 'transfer':
        sub('failed', n.failed);
        return;
      case 'goto':
        if (!(n.flow in file.flows)) problems.push(`${here}.flow: no flow named '${n.flow}'`);
        return;
      case 'play':
      case 'say':
      case 'announcement':
      case 'gather':
      case 'voicemail':
      case 'pickup':
      case 'hangup':
        return;
    }
  });
}
