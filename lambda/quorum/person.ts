/**
 * Who counts as one person of a quorum: the person or system a credential names, whatever channel they
 * used. A signed link counts as its approver label, an API client as its client name, a Slack user as
 * their user id in their workspace (names change, ids do not). One person approving twice counts once.
 * The key names the holder of a seat claim (claims.ts); SSM's record is matched to a person by
 * tally.ts's hasApproved, which reads the same three kinds back from the decision's Comment.
 */
import { createHash } from 'node:crypto';
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
/** `-` and 8 hex digits of the key's SHA-256, ending a name that had to be changed or cut. */
const SUFFIX_LENGTH = 9;
const SUFFIX = /-[0-9a-f]{8}$/;

/** How many `:` a person key of its kind has as separators (Slack: team and user id, which hold none). */
const separatorsOf = (personKey: string): number => (personKey.startsWith('slack:') ? 2 : 1);

/**
 * The AssumeRole session name for a person's seat: the person key made to fit STS's alphabet, so that
 * CloudTrail, and SSM's recorded approver ARN (`assumed-role/<seat>/<session>`), show whose approval it
 * was. Only a label for people reading logs: claims are keyed by the exact person key, never by this.
 *
 * The kind's `:` separators become `.` (`link.alice@example.com`), which keeps the name readable and
 * tells keys apart: the kind holds no `.`. Anything else changed (a character outside STS's set, a `:`
 * inside a label), or a key cut to fit 64 characters, could make two people's names alike, so such a
 * name ends with `-` and 8 hex digits of the key's SHA-256 (within the 64). So does a name that already
 * ends like one, so that a label cannot pass for another key's changed name.
 */
export const sessionNameOf = (personKey: string): string => {
  const readable = personKey.replace(/:/g, '.');
  const name = readable.replace(/[^\w+=,.@-]/g, '-');
  const colons = personKey.length - personKey.replace(/:/g, '').length;
  const lossless =
    name === readable &&
    colons === separatorsOf(personKey) &&
    name.length <= SESSION_NAME_MAX &&
    !SUFFIX.test(name);
  if (lossless) return name.length >= 2 ? name : `${name}--`.slice(0, 2);
  const hash = createHash('sha256').update(personKey, 'utf8').digest('hex').slice(0, 8);
  return `${name.slice(0, SESSION_NAME_MAX - SUFFIX_LENGTH)}-${hash}`;
};
