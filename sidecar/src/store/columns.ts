// Column helpers shared by entity schemas. Instants are epoch milliseconds in a BIGINT:
// identical on SQLite and MySQL, no time-zone conversion anywhere.
import type { ValueTransformer } from 'typeorm';

export const epochMs: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : Number(v)),
};
