/**
 * YARN access control lists (`AccessControlList`): `"users groups"`, each side comma-separated; `*` allows
 * everyone; a blank ACL (`" "` or `""`) allows nobody.
 */
export interface Acl {
  all: boolean;
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

export function parseAcl(text: string): Acl {
  if (text.trim() === '*') return { all: true, users: new Set(), groups: new Set() };
  const [users = '', groups = ''] = text.split(' ', 2);
  const list = (s: string): Set<string> =>
    new Set(
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    );
  return { all: false, users: list(users), groups: list(groups) };
}

export function aclAllows(acl: Acl, user: string, groupsOfUser: readonly string[]): boolean {
  return acl.all || acl.users.has(user) || groupsOfUser.some((g) => acl.groups.has(g));
}
