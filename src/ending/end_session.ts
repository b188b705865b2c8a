// Ending one Runway session: END_CALL to its worker in the room (ends COMPLETED), else DELETE (CANCELLED).
// Every bound here is a budget: no request outlives the wait it belongs to.
import type { Room } from '@livekit/rtc-node';
import type { RunwayClient } from '../api/client.js';
import { TERMINAL_STATUSES } from '../api/types.js';
import { log, PII } from '../log.js';

const END_CALL = new TextEncoder().encode(JSON.stringify({ type: 'END_CALL' }));

/** How a session was ended. */
export type EndOutcome = 'end_call' | 'cancelled' | 'gone' | 'failed';

/** What ending a session needs from the client: status reads and DELETE. */
export type EndingClient = Pick<RunwayClient, 'retrieveSession' | 'cancelSession'>;

/** Input of {@link endSession}. */
export interface EndSessionInput {
  /** The room where Runway's worker is (the agent's room, or Runway's own room when hosted). */
  room: Room;
  /** The worker's identity in that room. */
  avatarIdentity: string;
  sessionId: string;
  client: EndingClient;
  /** Budget for the session to end after END_CALL before falling back to DELETE; default 8000 ms. */
  leaveTimeoutMs?: number;
  /** Budget of the DELETE (one request timeout slice); default {@link DEFAULT_CANCEL_BUDGET_MS}. */
  cancelBudgetMs?: number;
  /** The worker is known to be gone: no END_CALL, DELETE at once. */
  workerGone?: boolean;
}

/** Interval of the status checks after END_CALL, ms. */
const END_POLL_MS = 250;
/** Budget of the status watch when the worker is not seen in the room, ms. */
export const ABSENT_WAIT_MS = 1500;
/**
 * Budget of the status watch when END_CALL's send failed as the room closed under it (a job shutdown),
 * ms. The message may have gone out, and Runway's worker also ends the session once it sees the trusted
 * agent leave (after a grace of about 2 s in the emulator), so this outlasts that grace: a DELETE before
 * it would turn a session that is ending COMPLETED into CANCELLED. Still well inside the 8 s bound.
 */
export const SEND_FAILED_WAIT_MS = 3500;
/** Budget of the status watch after END_CALL to a present worker, ms. */
export const LEAVE_TIMEOUT_MS = 8000;
/** Default budget of one DELETE (the default `connOptions.timeoutMs`), ms. */
export const DEFAULT_CANCEL_BUDGET_MS = 10_000;

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_STATUSES);

/**
 * Watches the session until it is terminal or `budgetMs` has passed; its last status, if known. Each
 * retrieve is aborted when the budget runs out, so the watch never outlasts it (a hanging API included).
 */
async function settle(client: EndingClient, sessionId: string, budgetMs: number) {
  const budget = AbortSignal.timeout(budgetMs);
  let status: string | undefined;
  while (!budget.aborted) {
    const session = await client
      .retrieveSession(sessionId, { signal: budget })
      .catch(() => undefined);
    if (session) status = session.status;
    if (status && TERMINAL.has(status)) return status;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, END_POLL_MS);
      function done() {
        clearTimeout(timer);
        budget.removeEventListener('abort', done);
        resolve();
      }
      budget.addEventListener('abort', done, { once: true });
    });
  }
  return status;
}

const ended = (status: string | undefined): EndOutcome | undefined =>
  status === 'CANCELLED' ? 'cancelled' : status && TERMINAL.has(status) ? 'end_call' : undefined;

/**
 * Sends a reliable `{"type":"END_CALL"}` to the worker while the room is connected (Runway then ends
 * the session COMPLETED), and watches the session's status rather than the room: at job shutdown
 * agents-js disconnects the room right after the agent session closes, and Runway's worker also ends
 * the session when the trusted agent leaves. DELETE only if the session has not ended within its budget
 * (`leaveTimeoutMs`, or 1.5 s when the worker is not in the room), or when END_CALL could not be sent at
 * all. END_CALL is published before the first await. Failures are logged, never thrown.
 */
export async function endSession(input: EndSessionInput): Promise<EndOutcome> {
  const logger = log();
  const { room, avatarIdentity, sessionId } = input;
  if (!input.workerGone && room.isConnected && room.localParticipant) {
    // Read before sending: a job shutdown disconnects (and empties) the room right after. A worker that
    // is not in the room gets a short wait: it has probably gone.
    const present = room.remoteParticipants.has(avatarIdentity);
    const waitMs = present ? (input.leaveTimeoutMs ?? LEAVE_TIMEOUT_MS) : ABSENT_WAIT_MS;
    try {
      await room.localParticipant.publishData(END_CALL, {
        reliable: true,
        destination_identities: [avatarIdentity],
      });
      const outcome = ended(await settle(input.client, sessionId, waitMs));
      if (outcome) {
        logger.debug(
          { sessionId, outcome, [PII.avatarIdentity]: avatarIdentity },
          'Runway session ended after END_CALL',
        );
        return outcome;
      }
      logger.warn({ sessionId }, 'Runway session did not end after END_CALL; cancelling it');
    } catch (error) {
      // Typically the room was disconnected while the message was going out (a job shutdown): it may
      // have reached the worker all the same, and the worker ends the session when the agent leaves.
      const outcome = ended(
        await settle(input.client, sessionId, present ? SEND_FAILED_WAIT_MS : ABSENT_WAIT_MS),
      );
      if (outcome) {
        logger.debug(
          { sessionId, outcome, error: String(error) },
          'END_CALL reported a failure, but the Runway session ended',
        );
        return outcome;
      }
      logger.warn(
        { sessionId, error: String(error) },
        'could not send END_CALL; cancelling the Runway session',
      );
    }
  }
  return cancelSession(input.client, sessionId, input.cancelBudgetMs);
}

/**
 * DELETEs a session within `budgetMs` (retries included); logs and swallows failures (a leaked session
 * is reported, never thrown).
 */
export async function cancelSession(
  client: EndingClient,
  sessionId: string,
  budgetMs = DEFAULT_CANCEL_BUDGET_MS,
): Promise<EndOutcome> {
  const logger = log();
  try {
    const outcome = await client.cancelSession(sessionId, {
      signal: AbortSignal.timeout(budgetMs),
    });
    logger.debug({ sessionId, outcome }, 'cancelled Runway session');
    return outcome;
  } catch (error) {
    logger.error(
      { sessionId, error: String(error) },
      'could not cancel Runway session; it may bill until Runway ends it',
    );
    return 'failed';
  }
}
