/**
 * A View as the Teams SDK sends it: the Adaptive Card renderer's card (cards/adaptive.ts) as the
 * one attachment of a message, or as the body of an `Action.Execute` invoke response.
 */
import { MessageActivityInput } from '@microsoft/teams.api';
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import { toAdaptiveCard, type View } from '../../cards/index.js';

export const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * The renderer's card in the SDK's type. Certify's element model is looser than the SDK's typed
 * one; the cards themselves are checked against the Adaptive Cards parser (test/cards).
 */
export function teamsCard(view: View): IAdaptiveCard {
  return toAdaptiveCard(view) as unknown as IAdaptiveCard;
}

export function cardMessage(view: View): MessageActivityInput {
  return new MessageActivityInput().addCard('adaptive', teamsCard(view));
}
