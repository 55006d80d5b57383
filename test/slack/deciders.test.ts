/** Who may decide from Slack: listed users at once, group members from usergroups.users.list, cached a minute. */
import { ApproverLookupError, createDeciders, GROUP_CACHE_MS } from '../../lambda/slack/deciders';

const slackWith = (groups: Record<string, string[] | Error>) => {
  const list = jest.fn(async ({ usergroup }: { usergroup: string }) => {
    const members = groups[usergroup];
    if (members instanceof Error) throw members;
    if (members === undefined) throw new Error('An API error occurred: no_such_subteam');
    return { ok: true, users: members };
  });
  return { slack: { usergroups: { users: { list } } } as never, list };
};

describe('createDeciders', () => {
  it('lets a listed user decide without asking Slack', async () => {
    const { slack, list } = slackWith({});
    const deciders = createDeciders();
    expect(await deciders.mayDecide(slack, { users: ['U0ALICE'], userGroups: ['S0SRE'] }, 'U0ALICE')).toBe(
      true,
    );
    expect(list).not.toHaveBeenCalled();
  });

  it('lets a group member decide, and keeps the group for a minute', async () => {
    const { slack, list } = slackWith({ S0SRE: ['U0CAROL'] });
    let now = 1_000_000;
    const deciders = createDeciders({ now: () => now });
    const approvers = { userGroups: ['S0SRE'] };

    expect(await deciders.mayDecide(slack, approvers, 'U0CAROL')).toBe(true);
    expect(await deciders.mayDecide(slack, approvers, 'U0BOB')).toBe(false);
    now += GROUP_CACHE_MS - 1;
    expect(await deciders.mayDecide(slack, approvers, 'U0BOB')).toBe(false);
    expect(list.mock.calls).toEqual([[{ usergroup: 'S0SRE' }]]);
    now += 1;
    expect(await deciders.mayDecide(slack, approvers, 'U0BOB')).toBe(false);
    expect(list.mock.calls).toEqual([[{ usergroup: 'S0SRE' }], [{ usergroup: 'S0SRE' }]]);
  });

  it('refuses a user in no listed group', async () => {
    const { slack } = slackWith({ S0SRE: ['U0CAROL'], S0DBA: ['U0DAVE'] });
    expect(
      await createDeciders().mayDecide(
        slack,
        { users: ['U0ALICE'], userGroups: ['S0SRE', 'S0DBA'] },
        'U0BOB',
      ),
    ).toBe(false);
  });

  it('does not guess when a group cannot be read: another group may still let the user in', async () => {
    const failure = new Error('An API error occurred: missing_scope');
    const { slack } = slackWith({ S0BROKEN: failure, S0SRE: ['U0CAROL'] });
    const deciders = createDeciders();
    const approvers = { userGroups: ['S0BROKEN', 'S0SRE'] };

    expect(await deciders.mayDecide(slack, approvers, 'U0CAROL')).toBe(true);
    const error = await deciders.mayDecide(slack, approvers, 'U0BOB').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApproverLookupError);
    expect(error).toMatchObject({
      message: 'Could not read the members of the Slack user group S0BROKEN (usergroups.users.list)',
      cause: failure,
    });
  });
});
