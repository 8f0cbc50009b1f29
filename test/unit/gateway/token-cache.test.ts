import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAcl, signToken, TokenCache, type AuthConfig } from '../../../gateway/auth/principal.ts';

const config: AuthConfig = {
  staticUser: 'dr.who',
  secret: Buffer.from('0123456789abcdef0123456789abcdef'),
  tokenValiditySeconds: 10,
  adminAcl: parseAcl('admin'),
  proxyUsers: {},
  groups: {},
};
const T0 = 1_795_800_000_000;

describe('TokenCache', () => {
  it('hands the same signed token to a user within a second, a new one after', () => {
    const c = new TokenCache(config);
    const first = c.sign('alice', T0);
    assert.equal(first, signToken(config, 'alice', T0));
    assert.equal(c.sign('alice', T0 + 999), first);
    assert.notEqual(c.sign('bob', T0 + 10), first, 'per user');
    assert.equal(c.sign('alice', T0 + 1_000), signToken(config, 'alice', T0 + 1_000));
  });

  it('verifies a cookie once, still honours its expiry, and refuses forged or altered ones', () => {
    const c = new TokenCache(config);
    const token = signToken(config, 'alice', T0);
    assert.equal(c.verify(token, T0 + 1), 'alice');
    assert.equal(c.verify(token, T0 + 9_999), 'alice', 'from the cache');
    assert.equal(c.verify(token, T0 + 10_001), undefined, 'expired, though cached');
    const other = { ...config, secret: Buffer.from('another secret of thirty-two b!!') };
    assert.equal(c.verify(signToken(other, 'mallory', T0), T0 + 1), undefined, 'signed with another secret');
    assert.equal(c.verify(token.replace('u=alice&p=alice', 'u=admin&p=admin'), T0 + 1), undefined, 'altered payload');
    assert.equal(c.verify('garbage', T0), undefined);
  });
});
