/**
 * A fleet owner: the organisasjonsnummer of an organisation that delegated its fleet to us (its inbox sub-folder,
 * sent as Maskinporten's consumer_org), or our own organisation. The ledger, the inbox and the settings write our
 * own as the empty string; this module is the one place that knows it.
 */
export type Owner = string;

/** The installation's own organisation: its files lie at the top of the inbox and its tokens have no consumer_org. */
export const OWN_ORGANISATION: Owner = '';

/** How LEASINGTAKER_OWNER_WEIGHTS and the metrics' `owner` label name our own organisation. */
export const OWN_ORGANISATION_LABEL = 'own';

export function isOwnOrganisation(owner: Owner): boolean {
  return owner === OWN_ORGANISATION;
}

/** The `owner` field of a log line: left out for our own organisation, the organisasjonsnummer otherwise. */
export function ownerLogField(owner: Owner): string | undefined {
  return isOwnOrganisation(owner) ? undefined : owner;
}

/** The owner in a log message's words. */
export function ownerInWords(owner: Owner): string {
  return isOwnOrganisation(owner) ? "the installation's own organisation" : `fleet owner ${owner}`;
}

/** The metrics' `owner` label: the organisasjonsnummer, or `own` for our own organisation. */
export function ownerLabel(owner: Owner): string {
  return isOwnOrganisation(owner) ? OWN_ORGANISATION_LABEL : owner;
}

/** An owner as LEASINGTAKER_OWNER_WEIGHTS names it (`own` or an organisasjonsnummer). */
export function ownerFromLabel(label: string): Owner {
  return label === OWN_ORGANISATION_LABEL ? OWN_ORGANISATION : label;
}
