// A third-party OpenID provider (panva oidc-provider) for Poort's upstream login test
// (tests/integration/itsme_third_party.rs). Poort did not write it; Poort is pointed at it
// through configuration only.
//
// Protocol with the test, over stdin/stdout:
//   1. it listens on 127.0.0.1:$UPSTREAM_PORT (0: any free port) and prints
//      `LISTENING http://127.0.0.1:<port>` (the issuer);
//   2. it reads one line `CLIENT <redirect_uri>` (Poort's callback, known once Poort runs);
//   3. it registers Poort as a confidential client (client_secret_basic) and prints `READY`.
// Login through its development interactions: any login name works; `jan` is Jan Peeters.
import http from 'node:http';
import readline from 'node:readline';

import Provider from 'oidc-provider';

const CLIENT_ID = process.env.UPSTREAM_CLIENT_ID || 'poort';
const CLIENT_SECRET = process.env.UPSTREAM_CLIENT_SECRET || 'third-party-secret';
const ACR = 'urn:poort:test:upstream:high';

// Demo persons (fictitious; Jan Peeters is in Poort's demo register).
const PEOPLE = {
  jan: {
    given_name: 'Jan',
    family_name: 'Peeters',
    birthdate: '1978-03-14',
    national_number: '78031412349',
  },
};

let provider = null;
const server = http.createServer((req, res) => {
  if (!provider) {
    res.writeHead(503).end('not ready');
    return;
  }
  provider.callback()(req, res);
});

server.listen(Number(process.env.UPSTREAM_PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  process.stdout.write(`LISTENING ${issuer}\n`);
  const lines = readline.createInterface({ input: process.stdin });
  lines.once('line', (line) => {
    const redirectUri = line.replace(/^CLIENT /, '').trim();
    provider = makeProvider(issuer, redirectUri);
    process.stdout.write('READY\n');
  });
  // The test closes stdin (or dies): stop.
  lines.on('close', () => process.exit(0));
});

function makeProvider(issuer, redirectUri) {
  const p = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'birthdate'],
      national_number: ['national_number'],
    },
    scopes: ['openid', 'profile', 'national_number'],
    acrValues: [ACR],
    features: {
      devInteractions: { enabled: true },
    },
    pkce: { required: () => true },
    cookies: { keys: ['poort-test-cookie-key-not-secret'] },
    async findAccount(_ctx, id) {
      const person = PEOPLE[id];
      if (!person) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...person };
        },
      };
    },
  });
  // The development login pages do not set an acr; a real deployment's login does. Assert
  // ours on every completed login, as such a provider would.
  const finished = p.interactionFinished.bind(p);
  p.interactionFinished = (req, res, result, options) => {
    if (result && result.login) result.login.acr = ACR;
    return finished(req, res, result, options);
  };
  return p;
}
