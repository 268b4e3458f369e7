// Campaign lifecycle, contacts and reporting, scoped by portal. The HTTP routes, the workflow
// action and the card API all go through here.
import { randomUUID } from 'node:crypto';
import { In, IsNull, Not, type DataSource } from 'typeorm';
import type { Clock, Logger } from '../ports.ts';
import type { CampaignResults } from './results.ts';
import { inTransaction } from '../store/transactions.ts';
import { campaignDefinitionSchema, type CampaignDefinition } from './definition.ts';
import {
  CampaignEntity,
  CampaignState,
  ImportEntity,
  LineEntity,
  TargetEntity,
  TargetState,
  type CampaignRow,
  type ImportRow,
} from './entities.ts';
import { validateRows, type BadRow, type GoodRow } from './import-rows.ts';
import { readCsv, readXlsx, writeSheet, type SheetRow } from './sheet.ts';
import { zoneForNumber } from './time-zones.ts';
import type { HubSpotPortals } from '../crm/hubspot-portals.ts';
import { contactRowsFromList } from './hubspot-list-source.ts';
import { requiredVariables } from './definition.ts';

export class CampaignError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_STATE' | 'INVALID',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const TRANSITIONS: Record<string, { from: CampaignState[]; to: CampaignState }> = {
  start: { from: [CampaignState.Draft], to: CampaignState.Running },
  pause: { from: [CampaignState.Running], to: CampaignState.Paused },
  resume: { from: [CampaignState.Paused], to: CampaignState.Running },
  cancel: {
    from: [
      CampaignState.Draft,
      CampaignState.Scheduled,
      CampaignState.Running,
      CampaignState.Paused,
    ],
    to: CampaignState.Cancelled,
  },
};
export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel';

export interface Progress {
  id: string;
  name: string;
  state: CampaignState;
  total: number;
  dialled: number;
  answered: number;
  yes: number;
  no: number;
  pending: number;
  failed: number;
  skipped: number;
  activeCalls: number;
}

const IMPORT_BATCH = 500;

export class CampaignService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly defaultCountry: string,
    private readonly onChange: () => void = () => undefined,
    /** Schedules the start of a campaign at `at` (agenda); absent = startAt is refused. */
    private readonly scheduleStart?: (
      portalId: string,
      campaignId: string,
      at: Date,
    ) => Promise<unknown>,
    /** Completes the workflow action that enrolled a contact (CampaignResults). */
    private readonly enrollments?: Pick<CampaignResults, 'completeEnrollment'>,
  ) {}

  async create(portalId: string, input: unknown): Promise<CampaignRow> {
    const parsed = campaignDefinitionSchema.safeParse(input);
    if (!parsed.success)
      throw new CampaignError(
        'INVALID',
        'invalid campaign definition',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    const def = parsed.data;
    const now = this.clock.now();
    const row: CampaignRow = {
      id: randomUUID(),
      portalId,
      name: def.name,
      definition: JSON.stringify(def),
      state: CampaignState.Draft,
      startAt: def.startAt ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await inTransaction(this.ds, async (m) => {
      await m.getRepository(CampaignEntity).insert(row);
      const lines = Array.from({ length: def.maxLines }, (_, slot) => ({
        campaignId: row.id,
        slot,
        leaseToken: null,
        leaseUntil: null,
      }));
      for (let i = 0; i < lines.length; i += 100)
        await m.getRepository(LineEntity).insert(lines.slice(i, i + 100));
    });
    return row;
  }

  async get(portalId: string, id: string): Promise<{ row: CampaignRow; def: CampaignDefinition }> {
    const row = await this.ds.getRepository(CampaignEntity).findOneBy({ id, portalId });
    if (!row) throw new CampaignError('NOT_FOUND', 'no such campaign');
    return { row, def: campaignDefinitionSchema.parse(JSON.parse(row.definition)) };
  }

  async act(portalId: string, id: string, action: CampaignAction): Promise<CampaignState> {
    const { row } = await this.get(portalId, id);
    const t = TRANSITIONS[action]!;
    if (!t.from.includes(row.state))
      throw new CampaignError('BAD_STATE', `cannot ${action} a ${row.state} campaign`);
    // A start with a future startAt waits for its agenda job.
    const later = action === 'start' && row.startAt !== null && row.startAt > Date.now();
    if (later && !this.scheduleStart)
      throw new CampaignError('BAD_STATE', 'scheduled start needs the job scheduler');
    const to = later ? CampaignState.Scheduled : t.to;
    const res = await this.ds
      .getRepository(CampaignEntity)
      .update({ id, portalId, state: row.state }, { state: to, updatedAt: this.clock.now() });
    if (res.affected !== 1)
      throw new CampaignError('BAD_STATE', 'campaign changed meanwhile; retry');
    if (action === 'cancel') await this.cancelOpenContacts(id);
    if (later) await this.scheduleStart!(portalId, id, new Date(row.startAt!));
    this.onChange();
    return to;
  }

  /**
   * A cancelled campaign's contacts still waiting (for a call or an SMS reply) are skipped, and
   * the workflows that enrolled any of them go on now with the outcome 'cancelled' instead of
   * waiting for their action to expire. A contact being dialled right now is left to its call.
   */
  private async cancelOpenContacts(campaignId: string): Promise<void> {
    const open = In([TargetState.Pending, TargetState.AwaitingSms]);
    const cancelled = {
      state: TargetState.Skipped,
      skipReason: 'campaign cancelled',
      result: 'cancelled',
      updatedAt: this.clock.now(),
    };
    const enrolled = await this.ds
      .getRepository(TargetEntity)
      .findBy({ campaignId, state: open, actionKey: Not(IsNull()) });
    for (const target of enrolled) {
      const announce = await inTransaction(this.ds, async (m) => {
        const res = await m
          .getRepository(TargetEntity)
          .update({ id: target.id, state: target.state }, cancelled);
        if (res.affected !== 1) return undefined;
        return this.enrollments?.completeEnrollment(m, target, 'cancelled', target.rsvp);
      });
      announce?.();
    }
    await this.ds.getRepository(TargetEntity).update({ campaignId, state: open }, cancelled);
  }

  /** The agenda job's work: a scheduled campaign starts (unless cancelled meanwhile). */
  async startScheduled(portalId: string, id: string): Promise<boolean> {
    const res = await this.ds
      .getRepository(CampaignEntity)
      .update(
        { id, portalId, state: CampaignState.Scheduled },
        { state: CampaignState.Running, updatedAt: this.clock.now() },
      );
    this.onChange();
    return res.affected === 1;
  }

  /** Adds validated rows as contacts; returns how many were added. */
  async addRows(
    portalId: string,
    campaignId: string,
    def: CampaignDefinition,
    rows: readonly GoodRow[],
    actionKey?: string,
  ) {
    const now = this.clock.now();
    const targets = rows.map((r) => ({
      id: randomUUID(),
      portalId,
      campaignId,
      rowNo: r.row,
      phone: r.phone,
      contactId: r.contactId,
      variables: JSON.stringify(r.variables),
      timeZone: zoneForNumber(
        r.phone,
        'UTC',
        def.timeZoneVariable ? r.variables[def.timeZoneVariable] : null,
      ),
      state: TargetState.Pending,
      attempts: 0,
      nextAttemptAt: now,
      leaseToken: null,
      leaseUntil: null,
      lastOutcome: null,
      rsvp: null,
      result: null,
      skipReason: null,
      actionKey: actionKey ?? null,
      smsState: null,
      updatedAt: now,
    }));
    await inTransaction(this.ds, async (m) => {
      for (let i = 0; i < targets.length; i += 100)
        await m.getRepository(TargetEntity).insert(targets.slice(i, i + 100));
      // New contacts (a workflow enrollment, a second import) reopen a finished campaign.
      if (targets.length > 0)
        await m
          .getRepository(CampaignEntity)
          .update(
            { id: campaignId, portalId, state: CampaignState.Completed },
            { state: CampaignState.Running, updatedAt: now },
          );
    });
    this.onChange();
    return targets.length;
  }

  private async existingPhones(campaignId: string): Promise<Set<string>> {
    const rows = await this.ds
      .getRepository(TargetEntity)
      .find({ select: { phone: true }, where: { campaignId } });
    return new Set(rows.map((r) => r.phone));
  }

  /** Validates and loads rows given directly (JSON); synchronous report. */
  /** `actionKey`: the enrolling workflow action's block key (enroll-action.ts). */
  async addContacts(portalId: string, campaignId: string, rows: SheetRow[], actionKey?: string) {
    const { def } = await this.get(portalId, campaignId);
    const { good, bad } = validateRows(
      rows,
      def,
      this.defaultCountry,
      await this.existingPhones(campaignId),
      1,
    );
    const added = await this.addRows(portalId, campaignId, def, good, actionKey);
    return { added, bad, targets: good.map((g) => g.phone) };
  }

  /** Loads the contacts of a HubSpot list (their properties become the row variables). */
  async addFromHubSpotList(
    portals: HubSpotPortals,
    portalId: string,
    campaignId: string,
    listId: string,
  ) {
    const { def } = await this.get(portalId, campaignId);
    const client = portals.client(portalId);
    if (!client)
      throw new CampaignError('INVALID', `no HubSpot account connected for portal ${portalId}`);
    const properties = [
      'phone',
      'mobilephone',
      'firstname',
      'lastname',
      ...requiredVariables(def),
      ...(def.consentVariable ? [def.consentVariable] : []),
      ...(def.timeZoneVariable ? [def.timeZoneVariable] : []),
    ];
    const rows = await contactRowsFromList(client, listId, [...new Set(properties)]);
    return this.addContacts(portalId, campaignId, rows);
  }

  /** Starts an import of a CSV/XLSX sheet; progress and the per-row report via importStatus. */
  async startImport(
    portalId: string,
    campaignId: string,
    data: Buffer,
    format: 'csv' | 'xlsx',
  ): Promise<ImportRow> {
    const { def } = await this.get(portalId, campaignId);
    const rows = format === 'csv' ? readCsv(data.toString('utf8')) : await readXlsx(data);
    const now = this.clock.now();
    const imp: ImportRow = {
      id: randomUUID(),
      portalId,
      campaignId,
      state: 'running',
      total: rows.length,
      processed: 0,
      good: 0,
      bad: '[]',
      error: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.ds.getRepository(ImportEntity).insert(imp);
    void this.runImport(imp, def, rows).catch(async (err: unknown) => {
      this.log.error({ err, importId: imp.id }, 'import failed');
      await this.ds
        .getRepository(ImportEntity)
        .update(
          { id: imp.id },
          { state: 'failed', error: String((err as Error).message).slice(0, 500) },
        );
    });
    return imp;
  }

  private async runImport(
    imp: ImportRow,
    def: CampaignDefinition,
    rows: SheetRow[],
  ): Promise<void> {
    const existing = await this.existingPhones(imp.campaignId);
    const bad: BadRow[] = [];
    let good = 0;
    for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
      const chunk = rows.slice(i, i + IMPORT_BATCH);
      const v = validateRows(chunk, def, this.defaultCountry, existing, 2 + i);
      for (const g of v.good) existing.add(g.phone);
      bad.push(...v.bad);
      good += await this.addRows(imp.portalId, imp.campaignId, def, v.good);
      await this.ds.getRepository(ImportEntity).update(
        { id: imp.id },
        {
          processed: i + chunk.length,
          good,
          bad: JSON.stringify(bad),
          updatedAt: this.clock.now(),
        },
      );
    }
    await this.ds
      .getRepository(ImportEntity)
      .update({ id: imp.id }, { state: 'done', updatedAt: this.clock.now() });
  }

  async importStatus(portalId: string, importId: string) {
    const imp = await this.ds.getRepository(ImportEntity).findOneBy({ id: importId, portalId });
    if (!imp) throw new CampaignError('NOT_FOUND', 'no such import');
    return {
      id: imp.id,
      state: imp.state,
      total: imp.total,
      processed: imp.processed,
      good: imp.good,
      bad: JSON.parse(imp.bad) as BadRow[],
      error: imp.error,
    };
  }

  async progress(portalId: string, id: string, activeCalls = 0): Promise<Progress> {
    const { row } = await this.get(portalId, id);
    const counts = await this.ds
      .getRepository(TargetEntity)
      .createQueryBuilder('t')
      .select('t.state', 'state')
      .addSelect('t.rsvp', 'rsvp')
      .addSelect('COUNT(*)', 'n')
      .addSelect('SUM(CASE WHEN t.attempts > 0 THEN 1 ELSE 0 END)', 'dialled')
      .addSelect(
        "SUM(CASE WHEN t.last_outcome IN ('answered','listened','machine-message','opted-out') THEN 1 ELSE 0 END)",
        'answered',
      )
      .where('t.campaign_id = :id AND t.portal_id = :portalId', { id, portalId })
      .groupBy('t.state')
      .addGroupBy('t.rsvp')
      .getRawMany<{
        state: string;
        rsvp: string | null;
        n: string | number;
        dialled: string | number;
        answered: string | number;
      }>();
    const p: Progress = {
      id,
      name: row.name,
      state: row.state,
      total: 0,
      dialled: 0,
      answered: 0,
      yes: 0,
      no: 0,
      pending: 0,
      failed: 0,
      skipped: 0,
      activeCalls,
    };
    for (const c of counts) {
      const n = Number(c.n);
      p.total += n;
      p.dialled += Number(c.dialled ?? 0);
      p.answered += Number(c.answered ?? 0);
      if (c.rsvp === 'yes') p.yes += n;
      if (c.rsvp === 'no') p.no += n;
      if (
        c.state === TargetState.Pending ||
        c.state === TargetState.Dialling ||
        c.state === TargetState.AwaitingSms
      )
        p.pending += n;
      if (c.state === TargetState.Failed) p.failed += n;
      if (c.state === TargetState.Skipped) p.skipped += n;
    }
    return p;
  }

  /** The sheet back, one row per contact, with the outcome columns added. */
  async export(portalId: string, id: string, format: 'csv' | 'xlsx'): Promise<Buffer> {
    await this.get(portalId, id);
    const targets = await this.ds
      .getRepository(TargetEntity)
      .find({ where: { campaignId: id, portalId }, order: { rowNo: 'ASC' } });
    const columns: string[] = [];
    const rows = targets.map((t) => {
      const vars = JSON.parse(t.variables) as SheetRow;
      for (const k of Object.keys(vars)) if (!columns.includes(k)) columns.push(k);
      return {
        ...vars,
        phone: vars.phone ?? t.phone,
        result:
          t.result ??
          (t.state === TargetState.Done
            ? t.rsvp
              ? `rsvp-${t.rsvp}`
              : (t.lastOutcome ?? 'done')
            : t.state),
        rsvp: t.rsvp ?? '',
        attempts: String(t.attempts),
        skip_reason: t.skipReason ?? '',
      };
    });
    if (!columns.includes('phone')) columns.unshift('phone');
    return writeSheet(rows, [...columns, 'result', 'rsvp', 'attempts', 'skip_reason'], format);
  }

  /** Campaigns a CRM contact is in (the contact card). */
  async forContact(portalId: string, contactId: string) {
    const targets = await this.ds
      .getRepository(TargetEntity)
      .find({ where: { portalId, contactId } });
    const out = [];
    for (const t of targets) {
      const p = await this.progress(portalId, t.campaignId);
      out.push({
        campaign: p,
        contact: { state: t.state, attempts: t.attempts, rsvp: t.rsvp, lastOutcome: t.lastOutcome },
      });
    }
    return out;
  }
}
