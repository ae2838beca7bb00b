// oauth2-mock-server over HTTPS on 127.0.0.1 for the outbound auth tests.
//
// Usage: node oauth2_mock.mjs <node_modules dir> <cert.pem> <key.pem>
// Prints "READY <port>" once listening (port 0: the OS picks), then one JSON line per request:
//   {"event":"request", method, url, headers}            every request, as it arrived
//   {"event":"token", client_auth, client_id, body}      every token request that was parsed;
//        client_auth is "basic" (Authorization: Basic) or "body" (client_id in the form body)
// A token request whose client id is "fail-me" is answered 401 invalid_client (via the
// beforeResponse hook), to test failures end to end.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, certFile, keyFile] = process.argv.slice(2);
const entry = path.join(modules, 'oauth2-mock-server', 'dist', 'index.mjs');
const { OAuth2Issuer, OAuth2Service, Events } = await import(pathToFileURL(entry).href);

const say = (event) => process.stdout.write(JSON.stringify(event) + '\n');

function clientAuth(req) {
  const header = req.headers.authorization ?? '';
  if (header.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return {
      client_auth: 'basic',
      client_id: decodeURIComponent(decoded.slice(0, colon)),
      client_secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  }
  return {
    client_auth: 'body',
    client_id: req.body?.client_id,
    client_secret: req.body?.client_secret,
  };
}

// The mock's own OAuth2Service and OAuth2Issuer behind a Node HTTPS server of ours, so that every
// request can be recorded as it arrived before the mock's handler sees it.
const issuer = new OAuth2Issuer();
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);

service.on(Events.BeforeResponse, (response, req) => {
  const who = clientAuth(req);
  say({ event: 'token', ...who, body: req.body });
  if (who.client_id === 'fail-me') {
    response.statusCode = 401;
    response.body = { error: 'invalid_client' };
  }
});

const handler = service.requestHandler;
const server = https.createServer(
  { key: readFileSync(keyFile), cert: readFileSync(certFile) },
  (req, res) => {
    say({ event: 'request', method: req.method, url: req.url, headers: req.headers });
    handler(req, res);
  },
);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  issuer.url = `https://localhost:${port}`;
  process.stdout.write(`READY ${port}\n`);
});
