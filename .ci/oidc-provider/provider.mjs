// A real, certified OpenID provider (npm oidc-provider) for the sign-in
// tests of internal/signin: started by the tests (signintest.StartNode) on
// loopback, never part of the service.
//
//   node provider.mjs CONFIG.json
//
// CONFIG names the port (0 or absent: a free one), the clients (as registered at any provider: redirect and
// logout URIs, authentication method, public keys) and the accounts (id,
// password, claims). The provider listens on 127.0.0.1 on a free port and
// prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, when ready.
//
// It behaves as the specification's defaults have it: with an access token
// issued, the ID token carries only the protocol claims and the scope
// claims (email, groups, …) come from UserInfo. The login page asks for a
// password every time there is no session at the provider, so a test can
// tell whether signing out really ended it.
//
// Test hooks, on the same port:
//   POST /test/accounts/ID   {"claims": {...}}  replace an account's claims
//   GET  /test/logins                           how many times a password was entered
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(Object.entries(config.accounts));
let logins = 0;

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

const server = createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups', 'organization'],
    claims: {
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
      organization: ['catalogus_org'],
    },
    // The default, spelled out: claims of the scopes come from UserInfo.
    conformIdTokenClaims: true,
    ttl: {
      IdToken: config.idTokenTTL || 3600,
      AccessToken: config.accessTokenTTL || 3600,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`);
        },
      },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
    },
    // Every client here is the catalogue's own: no consent screen, and a
    // refresh token whenever the client may use one.
    loadExistingGrant: async (ctx) => {
      const clientId = ctx.oidc.client.clientId;
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid offline_access email profile groups organization');
      await grant.save();
      ctx.oidc.session.grantIdFor(clientId, grant.jti);
      return grant;
    },
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (ctx, id) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...a.claims }) };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['catalogus-tests-only'] },
    // The catalogue under test listens on loopback, which the provider's
    // protection against server-side request forgery refuses to call (its
    // back-channel logout would never arrive): tests only.
    fetch: (url, options) => {
      delete options.dispatcher;
      return globalThis.fetch(url, options);
    },
    jwks: config.jwks,
  });
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  for (const event of ['backchannel.error', 'grant.error', 'end_session.error', 'userinfo.error']) {
    provider.on(event, (ctx, err) => console.error(event, err.message, err.error_description || '', err.error_detail || ''));
  }
  provider.on('backchannel.success', (ctx, client, accountId, sid) => console.error('backchannel.success', client.clientId, accountId, sid));

  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      if (url.pathname.startsWith('/test/')) return await testHook(req, res, url);
      if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
      return callback(req, res);
    } catch (err) {
      console.error(err);
      res.statusCode = 500;
      res.end(String(err));
    }
  });

  async function body(req) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function testHook(req, res, url) {
    if (req.method === 'GET' && url.pathname === '/test/logins') {
      res.setHeader('Content-Type', 'application/json');
      return res.end(JSON.stringify({ logins }));
    }
    const m = url.pathname.match(/^\/test\/accounts\/([^/]+)$/);
    if (req.method === 'POST' && m && accounts.has(m[1])) {
      accounts.get(m[1]).claims = JSON.parse(await body(req)).claims;
      res.statusCode = 204;
      return res.end();
    }
    res.statusCode = 404;
    return res.end();
  }

  async function interaction(req, res, url) {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      if (details.prompt.name !== 'login') {
        // Consent: granted by loadExistingGrant already.
        const result = { consent: {} };
        return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
      }
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(page('Sign in', `<form method="post" action="/interaction/${escape(details.uid)}">
<input name="username"><input name="password" type="password"><button>Sign in</button><button name="cancel" value="1">Cancel</button></form>`));
    }
    const form = new URLSearchParams(await body(req));
    if (form.get('cancel')) {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
    }
    const a = accounts.get(form.get('username'));
    if (!a || a.password !== form.get('password')) {
      res.statusCode = 401;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(page('Wrong password', ''));
    }
    logins++;
    return provider.interactionFinished(req, res, { login: { accountId: form.get('username') } }, { mergeWithLastSubmission: false });
  }

  process.stdout.write(JSON.stringify({ issuer }) + '\n');
});
