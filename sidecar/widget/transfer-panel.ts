// The widget's Transfer section: shown while the agent talks with a queue caller. Pick a
// colleague or a queue, then Transfer (blind) or Consult (attended: the caller holds while the
// agent talks with the colleague, then Complete or Cancel). The sidecar decides and tells the
// page through 'queue-call' events; this only shows them and sends the agent's choice.
import {
  api,
  type ConsultedView,
  type QueueCallView,
  type TransferTargets,
} from './sidecar-api.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let shown: QueueCallView | null = null;
let say: (text: string) => void = () => undefined;

function option(value: string, label: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}

function group(label: string, options: HTMLOptionElement[]): HTMLOptGroupElement {
  const g = document.createElement('optgroup');
  g.label = label;
  g.append(...options);
  return g;
}

/** Refreshes the picker: who is available changes all the time. Keeps the choice if it is still there. */
async function loadTargets(): Promise<void> {
  const select = $<HTMLSelectElement>('transfer-target');
  const before = select.value;
  const t = await api<TransferTargets>('GET', '/transfer-targets').catch((e: Error) => {
    say(`Transfer targets unavailable: ${e.message}`);
    return null;
  });
  if (!t) return;
  select.replaceChildren(
    option('', t.agents.length + t.queues.length ? 'Choose…' : 'Nobody to transfer to'),
    group(
      'Colleagues',
      t.agents.map((a) => option(`agent:${a.agentId}`, a.name)),
    ),
    group(
      'Queues',
      t.queues.map((q) => option(`queue:${q.queueId}`, q.name)),
    ),
  );
  if ([...select.options].some((o) => o.value === before)) select.value = before;
  updateButtons();
}

/** The picked target as the API wants it, or null. */
function picked(): { toAgentId: string } | { toQueueId: string } | null {
  const [kind, id] = $<HTMLSelectElement>('transfer-target').value.split(/:(.*)/s);
  if (!id) return null;
  return kind === 'agent' ? { toAgentId: id } : { toQueueId: id };
}

function updateButtons(): void {
  const consulting = shown?.consultation != null;
  const target = picked();
  $<HTMLSelectElement>('transfer-target').disabled = consulting;
  $<HTMLButtonElement>('btn-transfer').hidden = consulting;
  $<HTMLButtonElement>('btn-consult').hidden = consulting;
  $<HTMLButtonElement>('btn-transfer').disabled = target === null;
  // Only a colleague can be consulted; a queue takes blind transfers.
  $<HTMLButtonElement>('btn-consult').disabled = target === null || !('toAgentId' in target);
  $<HTMLButtonElement>('btn-consult-complete').hidden = !consulting;
  $<HTMLButtonElement>('btn-consult-cancel').hidden = !consulting;
}

function stateText(q: QueueCallView): string {
  const c = q.consultation;
  if (!c) return 'Talking with the caller';
  return c.state === 'ringing'
    ? `Ringing ${c.toName}… the caller is on hold`
    : `Talking with ${c.toName}; the caller is on hold`;
}

/** A 'queue-call' event (or the stream's snapshot): show, update or hide the section. */
export function onQueueCall(q: QueueCallView | null): void {
  const wasShown = shown !== null;
  shown = q;
  $('transfer').hidden = q === null;
  if (!q) return;
  $('qc-number').textContent = q.callerNumber ?? 'withheld number';
  $('qc-name').textContent = q.callerName ?? '';
  $('qc-queue').textContent = q.queueName;
  $('transfer-state').textContent = stateText(q);
  updateButtons();
  if (!wasShown) void loadTargets();
}

/**
 * The other end of a consultation: a colleague asks this agent to take their caller. Shown
 * while it rings and while they talk, so the agent knows whom the colleague is calling about.
 */
export function onConsulted(c: ConsultedView | null): void {
  $('consulted').hidden = c === null;
  if (!c) return;
  const caller = [c.callerNumber ?? 'withheld number', c.callerName].filter(Boolean).join(' ');
  $('consulted-text').textContent =
    c.state === 'ringing'
      ? `${c.fromName} is calling you about ${caller} (queue ${c.queueName})`
      : `${c.fromName} is consulting you about ${caller} (queue ${c.queueName}); the caller is on hold`;
}

const buttons = ['btn-transfer', 'btn-consult', 'btn-consult-complete', 'btn-consult-cancel'];

async function send(path: string, body?: unknown): Promise<boolean> {
  // One request at a time: a second click would only be refused (already consulting…).
  for (const id of buttons) $<HTMLButtonElement>(id).disabled = true;
  try {
    await api('POST', path, body);
    return true;
  } catch (e) {
    say((e as Error).message);
    return false;
  } finally {
    for (const id of buttons) $<HTMLButtonElement>(id).disabled = false;
    updateButtons();
  }
}

export function initTransferPanel(tell: (text: string) => void): void {
  say = tell;
  const select = $<HTMLSelectElement>('transfer-target');
  select.addEventListener('change', updateButtons);
  select.addEventListener('focus', () => void loadTargets());
  $('btn-targets-refresh').addEventListener('click', () => void loadTargets());
  $('btn-transfer').addEventListener('click', () => {
    const target = picked();
    const label = select.selectedOptions[0]?.textContent ?? '';
    if (target)
      void send('/transfer', target).then((ok) => ok && say(`Transferring the caller to ${label}`));
  });
  $('btn-consult').addEventListener('click', () => {
    const target = picked();
    if (target && 'toAgentId' in target) void send('/consult', target);
  });
  $('btn-consult-complete').addEventListener('click', () => {
    void send('/consult/complete').then((ok) => ok && say('Call transferred'));
  });
  $('btn-consult-cancel').addEventListener('click', () => {
    void send('/consult/cancel').then((ok) => ok && say('Back with the caller'));
  });
}
