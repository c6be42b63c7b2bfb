/**
 * Frameworks are data (frameworks.md): each control cites rule ids, and rules know nothing of
 * frameworks. Titles are short paraphrases; every sentence here is Certify's own wording.
 */

export type FrameworkId = 'cis' | 'soc2' | 'iso27001' | 'nist' | 'hipaa' | 'pci' | 'asb';

/**
 * direct: the cited rules demonstrate the control within Certify's scope;
 * supporting: they contribute, and the auditor will need more evidence;
 * customer: Certify contributes nothing; the control is listed to document the gap.
 */
export type Coverage = 'direct' | 'supporting' | 'customer';

/** Restricts a cited rule to part of its population (CIS 8.1–8.4). */
export interface CitationSubset {
  section: 'secrets' | 'keys';
  /** true: only assets in vaults with RBAC authorization; false: only those without. */
  vaultRbac: boolean;
}

export interface Citation {
  rule: string;
  subset?: CitationSubset;
}

export interface Control {
  id: string;
  /** Our paraphrase of the control's title. */
  title: string;
  /** 1–3 sentences, in our own words: what the control asks and what Certify's rules show for it. */
  summary: string;
  coverage: Coverage;
  /** Empty for customer controls. */
  citations: Citation[];
  /** What the customer must add: the whole control (customer) or the evidence Certify cannot supply. */
  customerNote: string | null;
}

/** A control id used by the seed mapping that is not in our catalogue, and where its evidence lives now. */
export interface Redirect {
  from: string;
  to: string[];
  note: string;
}

export interface Framework {
  id: FrameworkId;
  /** Exact display name, e.g. 'PCI DSS v4.0.1'. */
  name: string;
  shortName: string;
  /** Lower-case names accepted besides the id. */
  aliases: string[];
  /** What the framework covers beyond Certify, in our own words. */
  scopeNote: string;
  controls: Control[];
  redirects: Redirect[];
}
