/**
 * What a script started (wrangler dev, stand-ins, proxies, sessions), stopped once and in reverse
 * order, on success, failure or Ctrl-C: the scripts must leave no orphan process behind.
 *
 * The first SIGINT or SIGTERM aborts `signal` (a `startStack` under way stops what it started),
 * stops everything and exits with 130; a second one kills the process groups given to
 * `killOnForce` (wrangler dev and its workerd, a stand-in's process) and exits at once.
 */
export class Stopper {
  readonly #abort = new AbortController();
  readonly #steps: (() => Promise<unknown> | unknown)[] = [];
  readonly #log: (message: string) => void;
  #stopped: Promise<void> | undefined;
  readonly #forceKillGroups = new Set<number>();

  constructor(log: (message: string) => void) {
    this.#log = log;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get interrupted(): boolean {
    return this.#abort.signal.aborted;
  }

  /** `step` runs when everything stops, before the steps added earlier. */
  add(step: () => Promise<unknown> | unknown): void {
    this.#steps.push(step);
  }

  /** Stops what `starting` starts, also when it is still starting (it is awaited first). */
  track<T extends { stop(): Promise<unknown> | unknown }>(starting: Promise<T>): Promise<T> {
    this.add(async () => (await starting.catch(() => undefined))?.stop());
    return starting;
  }

  killOnForce(processGroup: number | undefined): void {
    if (processGroup !== undefined) this.#forceKillGroups.add(processGroup);
  }

  stopAll(): Promise<void> {
    this.#stopped ??= (async () => {
      for (const step of this.#steps.splice(0).reverse()) {
        try {
          await step();
        } catch (error) {
          this.#log(`While stopping: ${error instanceof Error ? error.message : error}`);
        }
      }
    })();
    return this.#stopped;
  }

  /** Ctrl-C (and SIGTERM) stop everything; `what` says what, in the message. */
  stopOnSignals(what: string): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.interrupted) {
        this.#log('Stopping now.');
        for (const group of this.#forceKillGroups) {
          try {
            process.kill(-group, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        process.exit(130);
      }
      this.#log(`\n${signal}: stopping ${what}… (again to force)`);
      this.#abort.abort(new Error(`interrupted (${signal})`));
      void this.stopAll().finally(() => process.exit(130));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}
