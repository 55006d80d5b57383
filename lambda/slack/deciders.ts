/**
 * Who may decide a runbook's gates from Slack (DESIGN.md §3): anyone in a channel can press a button, so
 * the clicker's Slack user id, not the message, is the credential. A routing rule lists user ids and/or
 * user-group ids; a user may decide when their id is listed or they are a member of a listed group.
 *
 * Group members come from Slack (`usergroups.users.list`, scope `usergroups:read`) and are kept for a
 * minute per group: a click must be answered within 3 seconds, and a burst of clicks on one message must
 * not become a burst of Web API calls (which Slack rate-limits, tier 2). A minute is also how long a
 * person removed from a group may still decide: short against the lifetime of a button.
 */
import type { WebClient } from '@slack/web-api';
import type { SlackRecipients } from '../notify/config';

/** How long a group's members are used before they are read again. */
export const GROUP_CACHE_MS = 60_000;

/** Slack did not tell us a group's members (network, rate limit, missing scope): nobody is let through. */
export class ApproverLookupError extends Error {
  constructor(groupId: string, options: { cause: unknown }) {
    super(`Could not read the members of the Slack user group ${groupId} (usergroups.users.list)`, options);
    this.name = 'ApproverLookupError';
  }
}

export interface Deciders {
  /**
   * Whether `userId` may decide under `approvers`. Listed users answer without a call; otherwise each
   * listed group is read (cached) until one has the user. Throws ApproverLookupError when a group that
   * might have held the user could not be read: "not an approver" would then be a guess.
   */
  mayDecide(
    slack: Pick<WebClient, 'usergroups'>,
    approvers: SlackRecipients['approvers'],
    userId: string,
  ): Promise<boolean>;
  /** Forgets every cached group (tests). */
  clear(): void;
}

export interface DecidersOptions {
  /** @default GROUP_CACHE_MS */
  readonly cacheMs?: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** One cache per execution environment: the handler creates it at module scope. */
export const createDeciders = (options: DecidersOptions = {}): Deciders => {
  const cacheMs = options.cacheMs ?? GROUP_CACHE_MS;
  const now = options.now ?? Date.now;
  const groups = new Map<string, { readonly members: ReadonlySet<string>; readonly expiresAt: number }>();

  const membersOf = async (slack: Pick<WebClient, 'usergroups'>, groupId: string) => {
    const cached = groups.get(groupId);
    if (cached !== undefined && now() < cached.expiresAt) return cached.members;
    let users: readonly string[];
    try {
      // The SDK throws on `ok: false` (no_such_subteam, missing_scope, ratelimited, …).
      users = (await slack.usergroups.users.list({ usergroup: groupId })).users ?? [];
    } catch (error) {
      throw new ApproverLookupError(groupId, { cause: error });
    }
    const members = new Set(users);
    groups.set(groupId, { members, expiresAt: now() + cacheMs });
    return members;
  };

  return {
    mayDecide: async (slack, approvers, userId) => {
      if (approvers.users?.includes(userId)) return true;
      let failure: ApproverLookupError | undefined;
      for (const groupId of approvers.userGroups ?? []) {
        try {
          if ((await membersOf(slack, groupId)).has(userId)) return true;
        } catch (error) {
          // Another group may still hold the user; only when none does is the failure the answer.
          failure ??= error as ApproverLookupError;
        }
      }
      if (failure !== undefined) throw failure;
      return false;
    },
    clear: () => groups.clear(),
  };
};
