/** What the CLI needs to hear Ctrl-C: bin/ passes `process`. */
export interface SignalSource {
  once(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** Exit code of a run ended by a signal, as shells report it: 128 + the signal number. */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Turns the first SIGINT or SIGTERM into an aborted AbortSignal (reason: the signal name), so the
 * run stops sending and reports what it measured. The listeners are `once`: a second Ctrl-C finds
 * none and Node's default handling ends the process at once.
 */
export function listenForInterrupt(
  source: SignalSource | undefined,
  onSignal: (name: string) => void,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      if (controller.signal.aborted) return;
      onSignal(name);
      controller.abort(name);
    };
    source?.once(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [name, handler] of handlers) source?.removeListener(name, handler);
    },
  };
}
