/**
 * The welcome view: what a chat shows when Certify is installed in it. Built from data the
 * caller passes in (the commands to try come from the bot's command table, the approvers from
 * its configuration), so it says what this deployment does, not what a template says.
 */
import { DISCLAIMER } from '../base/present.js';
import { BUILTIN_RULES } from '../scanner/rules/builtin/index.js';
import { FRAMEWORKS } from '../scanner/frameworks/index.js';
import type { ActionView, WelcomeView } from './views.js';

export interface WelcomeInput {
  /** The commands to try, as typed in this chat (three read best). */
  commands: { usage: string; description: string }[];
  /** Where and how commands are typed in this chat, or null. */
  hint: string | null;
  /** How many people may approve (CERTIFY_APPROVERS). */
  approvers: number;
  /** Buttons that answer a command in place (e.g. the score). */
  actions: ActionView[];
}

function approversText(count: number): string {
  if (count === 0) {
    return 'Nobody may approve yet: your administrator names the approvers (CERTIFY_APPROVERS). Until then, evidence bundles and rotations wait for a signature.';
  }
  const who =
    count === 1
      ? 'the approver your administrator named (CERTIFY_APPROVERS) signs'
      : `one of the ${count} approvers your administrator named (CERTIFY_APPROVERS) signs`;
  return `Evidence bundles and credential rotations are released only when ${who} in this chat, and never by the person who asked.`;
}

export function welcomeView(input: WelcomeInput): WelcomeView {
  return {
    kind: 'welcome',
    title: 'Certify is here',
    text:
      'Certify gives you audit-grade evidence about your Azure Key Vault credentials. It reads vault ' +
      "configuration and the metadata of secrets, keys and certificates (never a secret's value), " +
      `evaluates ${BUILTIN_RULES.length} built-in rules and your custom rules, maps them to ` +
      `${FRAMEWORKS.length} frameworks and computes a weighted 0–100 score.`,
    commands: input.commands.map((c) => ({ ...c })),
    hint: input.hint,
    approvers: approversText(input.approvers),
    disclaimer: DISCLAIMER,
    actions: input.actions.map((a) => ({ ...a, data: { ...a.data } })),
  };
}
