/**
 * Certify's App Home: `app_home_opened` publishes the home view (cards/home-view.ts) for the
 * user and remembers them, so each scheduled scan can publish theirs again (refreshHomes,
 * home-refresh.ts). The data comes from the ports passed in; views.publish goes through Bolt's
 * client, or after a scan a client of the refresher's own.
 */
import type { App } from '@slack/bolt';
import { ruleNamer } from '../../cards/history-views.js';
import { homeBlocks, homeSummary, homeView, type HomeChart, type HomeView } from '../../cards/home-view.js';
import type { TrendView } from '../../cards/views.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import { createHistoryService } from '../../services/history.js';
import type { CertifyPorts } from '../../services/scan.js';
import type { AlertStore, AlertSubscription } from '../../store/alerts.js';
import type { EvidenceRequestStore } from '../../store/evidence-requests.js';
import type { HomeViewers } from '../../store/home-viewers.js';
import { THRESHOLD_RULES } from '../alerts/diff.js';
import type { Log } from '../types.js';
import { errorMessage } from './logger.js';

/** Scans the home's sparkline covers (one more is read for the oldest one's change). */
const HOME_TREND_POINTS = 20;
/** Homes republished after a scheduled scan: the most recently opened. */
export const HOME_REFRESH_MAX = 500;

export interface HomeViewer {
  teamId: string;
  userId: string;
}

export interface HomeSourceDeps {
  ports: { scans: CertifyPorts['scans']; customRules: Pick<CertifyPorts['customRules'], 'list'> };
  /** Alert subscriptions; absent: the home says none. */
  alerts?: Pick<AlertStore, 'subscriptions'>;
  /** Evidence requests, for a button showing the newest bundle; absent: no such button. */
  evidenceRequests?: Pick<EvidenceRequestStore, 'list'>;
  /** A picture of the trend (e.g. a chart link); absent or null: the sparkline alone. */
  chart?: (trend: TrendView) => Promise<HomeChart | null>;
  /** Where a chart that could not be drawn is logged (the home is published without it). */
  log?: Log;
}

/** Builds one user's home from the stores, as they are now. */
export type HomeSource = (viewer: HomeViewer) => Promise<HomeView>;

function filtersText(sub: AlertSubscription): string {
  const parts: string[] = [];
  if (sub.filters.vault) parts.push(`vault ${sub.filters.vault}`);
  if (sub.filters.severity) parts.push(`${sub.filters.severity} or above`);
  if (sub.filters.framework) {
    let name = sub.filters.framework;
    try {
      name = findFramework(name).shortName;
    } catch {
      // A framework since removed is shown by its id.
    }
    parts.push(name);
  }
  return parts.length === 0 ? 'all alerts' : parts.join(' · ');
}

export function createHomeSource(deps: HomeSourceDeps): HomeSource {
  return async (viewer) => {
    const history = createHistoryService({ scans: deps.ports.scans });
    const [trend, latest, custom, subs, requests] = await Promise.all([
      history.history({ limit: HOME_TREND_POINTS }),
      deps.ports.scans.latest(),
      deps.ports.customRules.list(),
      deps.alerts ? deps.alerts.subscriptions() : Promise.resolve([]),
      deps.evidenceRequests ? deps.evidenceRequests.list() : Promise.resolve([]),
    ]);
    const newest = [...requests].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
    const view = homeView({
      trend,
      latest,
      ruleName: ruleNamer(custom),
      thresholdRules: {
        expired: THRESHOLD_RULES.expired,
        critical: THRESHOLD_RULES['7d'],
        soon: THRESHOLD_RULES['30d'],
      },
      subscriptions: subs
        .filter((s) => s.channel.kind === 'slack')
        .map((s) => ({
          channelId: s.channel.id,
          filters: filtersText(s),
          createdBy: s.createdBy,
          createdAt: s.createdAt,
          // Subscriptions record who set them up by name or, without one, by id.
          yours: s.createdBy === viewer.userId,
        })),
      evidence: newest ? { id: newest.id, title: `${newest.framework} · ${newest.period.label}` } : null,
    });
    if (deps.chart && view.trend !== null) {
      try {
        view.chart = await deps.chart(view.trend);
      } catch (error) {
        deps.log?.('slack.home.chart_failed', { error: errorMessage(error) });
      }
    }
    return view;
  };
}

/** What views.publish needs: Bolt's client or the home's own. */
export interface ViewsPublisher {
  views: { publish(args: { user_id: string; view: ReturnType<typeof homeBlocks> }): Promise<unknown> };
}

export async function publishHome(
  client: ViewsPublisher,
  source: HomeSource,
  viewer: HomeViewer,
): Promise<HomeView> {
  const view = await source(viewer);
  await client.views.publish({ user_id: viewer.userId, view: homeBlocks(view) });
  return view;
}

export interface SlackHomeDeps {
  source: HomeSource;
  /** Who opened the home; absent: homes are published when opened, not after scans. */
  viewers?: HomeViewers;
  log: Log;
  clock: () => number;
}

/** `app_home_opened` on the Home tab: publish the home, remember the viewer. */
export function registerHome(app: App, deps: SlackHomeDeps): void {
  const { log } = deps;
  app.event('app_home_opened', async ({ event, body, client }) => {
    // The Messages tab is a DM: nothing to publish there.
    if (event.tab !== 'home') return;
    const viewer = { teamId: body.team_id, userId: event.user };
    try {
      const view = await publishHome(client as unknown as ViewsPublisher, deps.source, viewer);
      log('slack.home.published', { user: viewer.userId, summary: homeSummary(view) });
    } catch (error) {
      log('slack.home.failed', { user: viewer.userId, error: errorMessage(error) });
    }
    try {
      await deps.viewers?.opened(viewer.teamId, viewer.userId, deps.clock());
    } catch (error) {
      log('slack.home.viewer_not_saved', { user: viewer.userId, error: errorMessage(error) });
    }
  });
}

/**
 * Publishes the home again for the `max` most recently opened viewers, one at a time (Slack
 * allows views.publish about 10 times a minute per user, far more across users). A failure is
 * logged and the next viewer is tried: one user who left the workspace stops nobody else's home.
 */
export async function refreshHomes(deps: {
  viewers: HomeViewers;
  publish: (viewer: HomeViewer) => Promise<unknown>;
  log: Log;
  max?: number;
}): Promise<{ published: number; failed: number }> {
  const { log } = deps;
  let viewers: HomeViewer[];
  try {
    viewers = await deps.viewers.recent(deps.max ?? HOME_REFRESH_MAX);
  } catch (error) {
    log('slack.home.refresh_failed', { error: errorMessage(error) });
    return { published: 0, failed: 0 };
  }
  let published = 0;
  let failed = 0;
  for (const viewer of viewers) {
    try {
      await deps.publish(viewer);
      published++;
    } catch (error) {
      failed++;
      log('slack.home.refresh_one_failed', { user: viewer.userId, error: errorMessage(error) });
    }
  }
  log('slack.home.refreshed', { published, failed });
  return { published, failed };
}
