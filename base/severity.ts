/** Severities from most to least severe, and their order for sorting. */
export const SEVERITY_ORDER = ['Critical', 'High', 'Medium', 'Low'] as const;
export type SeverityName = (typeof SEVERITY_ORDER)[number];
/** Sort rank: Critical 0 … Low 3; anything else after them. */
export function severityRank(severity: string): number {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(severity);
  return i < 0 ? SEVERITY_ORDER.length : i;
}
