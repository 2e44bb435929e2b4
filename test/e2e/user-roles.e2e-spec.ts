import {
  codeOf,
  COUNT_LOGS,
  createMember,
  login,
  PASSWORD,
  SESSION_FIELDS,
  type TestSession,
} from '../support/test-users';
import { TestSmtp } from '../support/test-smtp';
import { type TestTenant, TestVigil } from '../support/test-vigil';

const INVITE = `mutation($e: String!, $r: Role!) { inviteUser(email: $e, role: $r) { email role joined } }`;
const ACCEPT = `mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { ${SESSION_FIELDS} } }`;
const CHANGE = `mutation($u: ID!, $r: Role!) { changeRole(userId: $u, role: $r) { role user { email } } }`;
const REMOVE = `mutation($u: ID!) { removeMember(userId: $u) }`;
const USERS = `{ users { role user { id email } } }`;

describe('members and roles: invitations and password resets by e-mail', () => {
  let smtp: TestSmtp;
  let sut: TestVigil;
  let acme: TestTenant;
  let owner: TestSession;
  const sessions: Record<'admin' | 'editor' | 'viewer', TestSession> = {} as never;

  beforeAll(async () => {
    smtp = await TestSmtp.start();
    sut = await TestVigil.start({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://vigil.example.com' });
    acme = await sut.createTenant('acme');
    await createMember(sut, acme, 'owner@example.com', 'owner');
    owner = await login(sut, 'owner@example.com', 'acme');
  });
  afterAll(async () => {
    await sut.close();
    await smtp.close();
  });

  it('invites by e-mail; the invitee sets a password and is signed in with the role', async () => {
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      const email = `${role}@example.com`;
      const invited = await sut.graphql(owner.accessToken, INVITE, { e: email, r: role });
      expect(invited).toEqual({ data: { inviteUser: { email, role, joined: false } } });
      const mail = await smtp.mailTo(email);
      expect(mail.raw).toContain('https://vigil.example.com/accept-invitation?token=');
      const token = TestSmtp.tokenIn(mail);
      const weak = await sut.graphql(null, ACCEPT, { t: token, p: 'short' });
      expect(codeOf(weak)).toBe('BAD_USER_INPUT');
      const accepted = await sut.graphql<{ acceptInvitation: TestSession }>(null, ACCEPT, {
        t: token,
        p: PASSWORD,
      });
      expect(accepted.data?.acceptInvitation).toMatchObject({ role, user: { email } });
      sessions[role] = accepted.data!.acceptInvitation;
      // The link works once.
      expect(codeOf(await sut.graphql(null, ACCEPT, { t: token, p: PASSWORD }))).toBe(
        'BAD_USER_INPUT',
      );
    }
    const list = await sut.graphql<{ users: Array<{ role: string; user: { email: string } }> }>(
      sessions.admin.accessToken,
      USERS,
    );
    expect(list.data!.users.map((m) => [m.user.email, m.role])).toEqual([
      ['admin@example.com', 'admin'],
      ['editor@example.com', 'editor'],
      ['owner@example.com', 'owner'],
      ['viewer@example.com', 'viewer'],
    ]);
  });

  it('lets each role do only what it may', async () => {
    const { admin, editor, viewer } = sessions;
    const id = async (email: string) => {
      const res = await sut.graphql<{ users: Array<{ user: { id: string; email: string } }> }>(
        owner.accessToken,
        USERS,
      );
      return res.data!.users.find((m) => m.user.email === email)!.user.id;
    };
    const viewerId = await id('viewer@example.com');
    const ownerId = await id('owner@example.com');

    // Everyone reads logs.
    for (const s of [admin, editor, viewer]) {
      expect(codeOf(await sut.graphql(s.accessToken, COUNT_LOGS))).toBe('OK');
    }
    // A viewer cannot invite or list members; an editor cannot change roles.
    const viewerInvite = { e: 'x@example.com', r: 'viewer' };
    expect(codeOf(await sut.graphql(viewer.accessToken, INVITE, viewerInvite))).toBe('FORBIDDEN');
    expect(codeOf(await sut.graphql(viewer.accessToken, USERS))).toBe('FORBIDDEN');
    const editorChange = { u: viewerId, r: 'editor' };
    expect(codeOf(await sut.graphql(editor.accessToken, CHANGE, editorChange))).toBe('FORBIDDEN');
    // An admin manages non-owners but cannot grant, demote or remove an owner.
    expect(codeOf(await sut.graphql(admin.accessToken, CHANGE, { u: viewerId, r: 'owner' }))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await sut.graphql(admin.accessToken, CHANGE, { u: ownerId, r: 'viewer' }))).toBe(
      'FORBIDDEN',
    );
    expect(codeOf(await sut.graphql(admin.accessToken, REMOVE, { u: ownerId }))).toBe('FORBIDDEN');
    expect(
      codeOf(await sut.graphql(admin.accessToken, INVITE, { e: 'o@example.com', r: 'owner' })),
    ).toBe('FORBIDDEN');
    const promoted = await sut.graphql(admin.accessToken, CHANGE, { u: viewerId, r: 'editor' });
    expect(promoted).toEqual({
      data: { changeRole: { role: 'editor', user: { email: 'viewer@example.com' } } },
    });
    // The promotion applies to the session at once (the role comes from the membership).
    const me = await sut.graphql<{ me: { role: string } }>(viewer.accessToken, `{ me { role } }`);
    expect(me.data!.me.role).toBe('editor');

    // The last owner can neither be demoted nor removed, even by themselves.
    const lastOwner = await sut.graphql(owner.accessToken, CHANGE, { u: ownerId, r: 'admin' });
    expect(lastOwner.errors![0]!.message).toMatch(/last owner/);
    expect(codeOf(await sut.graphql(owner.accessToken, REMOVE, { u: ownerId }))).toBe('FORBIDDEN');
    // With a second owner, the first may step down.
    await sut.graphql(owner.accessToken, CHANGE, { u: viewerId, r: 'owner' });
    const stepDown = await sut.graphql(owner.accessToken, CHANGE, { u: ownerId, r: 'admin' });
    expect(codeOf(stepDown)).toBe('OK');
  });

  it('adds an existing user to another tenant; they pick the tenant at login', async () => {
    const beta = await sut.createTenant('beta');
    await createMember(sut, beta, 'boss@example.com', 'owner');
    const boss = await login(sut, 'boss@example.com', 'beta');
    const before = smtp.received.length;
    const invited = await sut.graphql(boss.accessToken, INVITE, {
      e: 'EDITOR@example.com',
      r: 'viewer',
    });
    expect(invited).toEqual({
      data: { inviteUser: { email: 'editor@example.com', role: 'viewer', joined: true } },
    });
    expect((await smtp.mailTo('editor@example.com', before)).raw).toContain('beta');
    const inBeta = await login(sut, 'editor@example.com', 'beta');
    expect(inBeta).toMatchObject({ role: 'viewer', tenant: { slug: 'beta' } });
    expect((await login(sut, 'editor@example.com', 'acme')).role).toBe('editor');
    // In two tenants, the tenant must be named.
    await expect(login(sut, 'editor@example.com', null)).rejects.toThrow(/login failed/);
  });

  it('resets a password by e-mail and ends every session of the user', async () => {
    const before = smtp.received.length;
    const old = await login(sut, 'admin@example.com', 'acme');
    const REQUEST = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
    for (const e of ['Admin@Example.com', 'ghost@example.com', 'not an e-mail']) {
      await expect(sut.graphql(null, REQUEST, { e })).resolves.toEqual({
        data: { requestPasswordReset: true },
      });
    }
    const mail = await smtp.mailTo('admin@example.com', before);
    expect(mail.raw).toContain('https://vigil.example.com/reset-password?token=');
    const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }`;
    const token = TestSmtp.tokenIn(mail);
    const reset = await sut.graphql(null, RESET, { t: token, p: 'a brand new password' });
    expect(reset).toEqual({ data: { resetPassword: true } });
    expect(codeOf(await sut.graphql(old.accessToken, COUNT_LOGS))).toBe('UNAUTHENTICATED');
    await expect(login(sut, 'admin@example.com', 'acme')).rejects.toThrow(/login failed/);
    await login(sut, 'admin@example.com', 'acme', 'a brand new password');
    expect(codeOf(await sut.graphql(null, RESET, { t: token, p: 'another password!' }))).toBe(
      'BAD_USER_INPUT',
    );
    // Only the real account got an e-mail.
    expect(smtp.received.slice(before).flatMap((m) => m.to)).toEqual(['admin@example.com']);
  });

  it('limits password reset requests per address, whether or not the account exists', async () => {
    const REQUEST = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
    for (const e of ['nobody@example.com', 'viewer-reset@example.com']) {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(codeOf(await sut.graphql(null, REQUEST, { e })));
      expect(answers).toEqual(['OK', 'OK', 'OK', 'TOO_MANY_ATTEMPTS']);
    }
  });
});

describe('without SMTP_URL', () => {
  let sut: TestVigil;

  beforeAll(async () => {
    sut = await TestVigil.start();
  });
  afterAll(() => sut.close());

  it('fails invitations and resets with a clear error instead of pretending', async () => {
    const t = await sut.createTenant('nomail');
    await createMember(sut, t, 'owner@example.com', 'owner');
    const owner = await login(sut, 'owner@example.com', 'nomail');
    const invite = await sut.graphql(owner.accessToken, INVITE, {
      e: 'a@example.com',
      r: 'viewer',
    });
    const reset = await sut.graphql(
      null,
      `mutation { requestPasswordReset(email: "owner@example.com") }`,
    );
    for (const res of [invite, reset]) {
      expect(res.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
        ['e-mail is not configured on this server', 'SERVICE_UNAVAILABLE'],
      ]);
    }
  });
});
