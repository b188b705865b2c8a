// The record of every Runway session created for one AvatarSession, and the one place each is ended:
// a session is entered the moment its create returns, and ended exactly once, whoever asks first.
import { log } from '../log.js';
import { cancelSession, type EndingClient, type EndOutcome } from './end_session.js';

interface Entry {
  /** Set by the first end request; later requests get the same promise. */
  ending: Promise<EndOutcome> | undefined;
  outcome: EndOutcome | undefined;
}

/** One line of {@link SessionLedger.entries}. */
export interface LedgerEntry {
  sessionId: string;
  /** How it ended, once it has; undefined while alive or ending. */
  outcome: EndOutcome | undefined;
  /** True once an end was requested. */
  ending: boolean;
}

/**
 * Every session created, in creation order. Strategies enter a session as soon as its create returns
 * (before any other await), and end it through {@link end}; the owner {@link sweep}s at close, so a
 * session that no code path ended is still DELETEd. Never throws.
 */
export class SessionLedger {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly client: EndingClient) {}

  /** Records a session that was just created. */
  opened(sessionId: string): void {
    if (!this.#entries.has(sessionId))
      this.#entries.set(sessionId, { ending: undefined, outcome: undefined });
  }

  /**
   * Ends `sessionId` once: the first call runs `how` (synchronously up to its first await, so an
   * END_CALL inside it goes out before this returns); every later call gets the same promise.
   */
  end(sessionId: string, how: () => Promise<EndOutcome>): Promise<EndOutcome> {
    this.opened(sessionId);
    const entry = this.#entries.get(sessionId)!;
    if (!entry.ending) {
      let ending: Promise<EndOutcome>;
      try {
        ending = how();
      } catch (error) {
        ending = Promise.reject(error);
      }
      entry.ending = ending
        .catch((error: unknown) => {
          log().error({ sessionId, error: String(error) }, 'ending a Runway session failed');
          return cancelSession(this.client, sessionId);
        })
        .then((outcome) => {
          entry.outcome = outcome;
          return outcome;
        });
    }
    return entry.ending;
  }

  /** DELETEs a session (unless it is already ending), once. */
  cancel(sessionId: string, budgetMs?: number): Promise<EndOutcome> {
    return this.end(sessionId, () => cancelSession(this.client, sessionId, budgetMs));
  }

  /** True when `sessionId` was created and no end was requested yet. */
  isAlive(sessionId: string): boolean {
    const entry = this.#entries.get(sessionId);
    return entry !== undefined && entry.ending === undefined;
  }

  /**
   * Ends every session still alive (DELETE, within `budgetMs` each) and waits until every end requested
   * so far has settled. After it resolves, each session was ended or its end was attempted and logged.
   */
  async sweep(budgetMs?: number): Promise<void> {
    for (const [id, entry] of this.#entries) {
      if (!entry.ending) {
        log().warn({ sessionId: id }, 'Runway session left alive; cancelling it');
        this.cancel(id, budgetMs);
      }
    }
    await Promise.all([...this.#entries.values()].map((e) => e.ending));
  }

  /** Every session created so far, in creation order. */
  entries(): LedgerEntry[] {
    return [...this.#entries].map(([sessionId, e]) => ({
      sessionId,
      outcome: e.outcome,
      ending: e.ending !== undefined,
    }));
  }
}
