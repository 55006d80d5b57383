/**
 * Runbook-name patterns, shared by the notifier's routing rules and the API clients' scopes: globs where
 * `*` matches any run of characters and `?` one; the whole name must match, case-sensitively (SSM document
 * names are case-sensitive).
 */
export const RUNBOOK_PATTERN_RULE = /^[A-Za-z0-9_.*?-]{1,128}$/;

const REGEX_SPECIALS = /[.+^${}()|[\]\\]/g;

/** A glob as an anchored regular expression. */
export const globToRegExp = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(REGEX_SPECIALS, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');

export const matchesRunbook = (pattern: string, documentName: string): boolean =>
  globToRegExp(pattern).test(documentName);
