// A real OpenID provider for Mulu's single sign-on end-to-end tests.
//
//   OIDC_PORT=4000 OIDC_CLIENT_ID=mulu OIDC_CLIENT_SECRET=s3cret \
//   OIDC_REDIRECT_URI=http://127.0.0.1:8080/auth/oidc/callback node provider.mjs
//
// It is oidc-provider with its built-in development login page (any login,
// any password) on http://127.0.0.1:OIDC_PORT, one confidential client, the
// authorization code flow with PKCE (S256) required, and consent given
// automatically. Only for tests: keys and sessions live in memory.
import Provider from 'oidc-provider';

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`provider.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const port = Number(env('OIDC_PORT'));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('OIDC_CLIENT_ID'),
    client_secret: env('OIDC_CLIENT_SECRET'),
    redirect_uris: [env('OIDC_REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  responseTypes: ['code'],
  pkce: { required: () => true }, // oidc-provider only knows S256
  scopes: ['openid', 'profile'],
  claims: { openid: ['sub'], profile: ['preferred_username'] },
  // Put the scopes' claims in the ID token itself, not only behind userinfo.
  conformIdTokenClaims: false,
  // The account is whatever login was typed on the development login page.
  findAccount: (_ctx, login) => ({
    accountId: login,
    claims: () => ({ sub: login, preferred_username: login }),
  }),
  // No consent page: grant the client whatever openid scopes it asked for. (A grant the
  // session remembers may be gone: reusing a code revokes the grant it came from.)
  loadExistingGrant: async (ctx) => {
    const { client, session, params } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    const existing = grantId && await ctx.oidc.provider.Grant.find(grantId);
    if (existing) return existing;
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(params.scope);
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } }, // the default, said out loud
  // Stable-enough secret for the signed interaction/session cookies of one run.
  cookies: { keys: [crypto.randomUUID()] },
  // Explicit lifetimes (seconds); the defaults print a NOTICE on stdout when first used.
  ttl: {
    AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600,
  },
});

// A test may stop reading stdout after the ready line; a later NOTICE must not kill
// the provider with EPIPE.
process.stdout.on('error', () => {});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
