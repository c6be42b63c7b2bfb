/**
 * Alert delivery as a job: one card for one channel, posted by whichever replica takes the job,
 * retried with backoff while the platform throttles (429) or fails (5xx). The claims the card
 * stands for were made before it was queued, so no other run sends it; when the job finally
 * fails they are released, so the next scheduled run tries that channel again.
 */
import { NO_TELEMETRY, type Telemetry } from '../../base/telemetry.js';
import type { AlertStore } from '../../store/alerts.js';
import { RetryableError, type JobDefinition, type JobQueue } from '../../store/jobs/types.js';
import { deliverTo, updateIn, type AlertDelivery, type AlertNotifiers } from '../alerts/deliver.js';
import type { Log } from '../types.js';
import { httpStatusOf, isTransientDeliveryError } from './transient.js';

export const ALERT_DELIVERY_JOB = 'alert-delivery';

/** Five retries from 5 s, doubling: about five minutes before a card is given up. */
export const ALERT_DELIVERY_OPTIONS: JobDefinition = {
  retryLimit: 5,
  retryDelaySeconds: 5,
  retryBackoff: true,
  expireInSeconds: 120,
};

export function defineAlertDelivery(
  jobs: JobQueue,
  deps: {
    alerts: AlertStore;
    /** Asked at each attempt: the adapters exist only once the bot has started them. */
    notifiers: () => AlertNotifiers;
    log: Log;
    options?: JobDefinition;
    /** A span `certify.job.alert_delivery` per attempt (the Slack or Teams call below it); sent and failed cards. */
    telemetry?: Telemetry;
    /** Epoch ms, stamps where a card was posted. Default Date.now. */
    clock?: () => number;
  },
): (delivery: AlertDelivery) => Promise<void> {
  const options = deps.options ?? ALERT_DELIVERY_OPTIONS;
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  jobs.define<AlertDelivery & Record<string, unknown>>(
    ALERT_DELIVERY_JOB,
    (job) =>
      telemetry.span(
        'certify.job.alert_delivery',
        { 'certify.channel': job.data.channel.kind, 'certify.job.attempt': job.attempt },
        () => deliver(job),
      ),
    options,
  );

  async function deliver(job: { data: AlertDelivery; attempt: number }): Promise<void> {
    const { channel, view, claims, replaces } = job.data;
    try {
      if (typeof replaces === 'string') {
        const updated = await updateIn({ channel }, replaces, view, deps.notifiers());
        deps.log(updated ? 'alerts.updated' : 'alerts.update_unsupported', {
          channel: channel.kind,
          attempt: job.attempt,
        });
        return;
      }
      const ref = await deliverTo({ channel }, view, deps.notifiers());
      telemetry.count('certify.alerts.sent', 1, { 'certify.channel': channel.kind });
      // Only a single alert's card is remembered: a digest stands for many alerts, and one of
      // them resolving does not make the digest resolved. Remembered before the delivery is
      // logged, so whoever waits for that line (a test, an operator) finds the card's reference.
      if (ref !== null && claims.length === 1) await remember(claims, ref);
      deps.log('alerts.delivered', { channel: channel.kind, attempt: job.attempt, keys: claims.length });
    } catch (error) {
      const status = httpStatusOf(error);
      const message = (error as Error).message ?? String(error);
      if (isTransientDeliveryError(error) && job.attempt <= options.retryLimit) {
        deps.log('alerts.delivery_retry', {
          level: 'warn',
          channel: channel.kind,
          attempt: job.attempt,
          status,
        });
        throw new RetryableError(`${channel.kind} answered ${status ?? 'a network error'}: ${message}`, {
          cause: error,
        });
      }
      deps.log('alerts.delivery_failed', {
        level: 'error',
        channel: channel.kind,
        attempt: job.attempt,
        status,
        error: message,
      });
      telemetry.count('certify.alerts.failed', 1, { 'certify.channel': channel.kind });
      await deps.alerts.release(claims);
      throw error;
    }
  }
  /** The card was posted: a failure to remember where only costs its update in place, never a repeat. */
  async function remember(claims: AlertDelivery['claims'], ref: string): Promise<void> {
    try {
      await deps.alerts.recordPost(claims, ref, (deps.clock ?? Date.now)());
    } catch (error) {
      deps.log('alerts.post_not_recorded', {
        level: 'warn',
        error: (error as Error).message ?? String(error),
      });
    }
  }

  return async (delivery) => {
    await jobs.send(ALERT_DELIVERY_JOB, { ...delivery });
  };
}
