/** Card renderers: pure View → JSON functions for Teams (Adaptive Cards) and Slack (Block Kit). */
export type * from './views.js';
export { toAdaptiveCard, cardSize, CARD_BUDGET_BYTES } from './adaptive.js';
export { welcomeView } from './welcome-view.js';
export type { WelcomeInput } from './welcome-view.js';
export type { AdaptiveAction, AdaptiveCard, AdaptiveElement } from './adaptive.js';
export { toBlockKit, SLACK_LIMITS, INPUT_BLOCK_PREFIX, LINK_ACTION_ID } from './blockkit.js';
export type {
  ActionsBlock,
  Block,
  BlockKitMessage,
  ButtonElement,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  Mrkdwn,
  PlainText,
  PlainTextInputElement,
  SectionBlock,
} from './blockkit.js';
