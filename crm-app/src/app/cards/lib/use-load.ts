// Loading state for a card: one union instead of loose flags, and a reload after actions.
import { useCallback, useEffect, useState } from 'react';

export type Loaded<T> =
  { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; data: T };

/**
 * Runs `load` on mount, again when `key` (what `load` reads, e.g. the record) changes, and on
 * `reload()`. A result that arrives after the card moved on is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => {
        if (current) setState({ kind: 'ready', data });
      },
      (err: unknown) => {
        if (current) setState({ kind: 'error', message: errorText(err) });
      },
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; `key` names what it reads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [state, reload];
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
