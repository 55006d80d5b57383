/**
 * Who counts as one person of a quorum: the person or system a credential names, whatever channel they
 * used. A signed link counts as its approver label, an API client as its client name, a Slack user as
 * their user id in their workspace (names change, ids do not). One person approving twice counts once.
 * The key names the holder of a seat claim (claims.ts); SSM's record is matched to a person by
 * tally.ts's hasApproved, which reads the same three kinds back from the decision's Comment.
 */
import type { Identity } from '../auth/authenticate';

/** `link:<approver label>` | `api:<client name>` | `slack:<team id>:<user id>`. */
export const personKeyOf = (identity: Identity): string => {
  switch (identity.kind) {
    case 'link':
      return `link:${identity.name}`;
    case 'api':
      return `api:${identity.name}`;
    case 'slack':
      return `slack:${identity.teamId}:${identity.userId}`;
  }
};

/** STS RoleSessionName: 2–64 characters of `[\w+=,.@-]`. */
const SESSION_NAME_MAX = 64;

/**
 * The AssumeRole session name for a person's seat: the person key made to fit STS's alphabet, so that
 * CloudTrail, and SSM's recorded approver ARN (`assumed-role/<seat>/<session>`), show whose approval it
 * was. Only a label for people reading logs: claims are keyed by the exact person key, never by this.
 */
export const sessionNameOf = (personKey: string): string => {
  const name = personKey
    .replace(/:/g, '.')
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, SESSION_NAME_MAX);
  return name.length >= 2 ? name : `${name}--`.slice(0, 2);
};
