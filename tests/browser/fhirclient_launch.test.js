// The real SMART JavaScript client (fhirclient, npm) in headless Chromium against the running
// binary: a standalone launch (pat.jones logs in) and an EHR launch (the EHR vouches for
// Dr. Smith through POST /auth/launch). In each, the app's page calls FHIR.oauth2.authorize(),
// the browser passes through login and consent, FHIR.oauth2.ready() exchanges the code FROM THE
// BROWSER (CORS on /auth/token), and client.patient.read() reads the patient from a stub FHIR
// server that accepts the access token only if it verifies against smart-auth's JWKS (issuer,
// audience = the FHIR base, expiry, and the token's patient claim = the patient read).
//
// Usage: node fhirclient_launch.test.js <smart-auth binary> <source dir> [output dir]
// A screenshot of each flow's last page goes to the output directory (default: a temp dir).
//
// Who is where (all on 127.0.0.1, every port chosen by the kernel):
// - smart-auth over HTTPS; its public_base_url stays https://localhost:8443 (the issuer in every
//   token and discovery URL). Chromium reaches that name through a CONNECT proxy in this file
//   that tunnels localhost:8443, and only that, to the real port; TLS stays end to end and
//   verified: Chromium trusts exactly the service's key (SPKI pin), nothing else.
// - the app (static pages + fhirclient's browser bundle from node_modules, no CDN) and the stub
//   FHIR server over plain HTTP on 127.0.0.1: loopback, so a secure context (Web Crypto for
//   PKCE) and an allowed redirect_uri / FHIR base (RFC 8252 §7.3).
//
// Checklist: DISC-1 (discovery found from the FHIR base), PKCE-1 (pkceMode 'required'), CAUTH-1
// (a public client), LAUNCH-1 (iss + launch), CORS-2 (the exchange from the app's origin),
// CTX-1 (patient from the token response), ATFMT-1 (a JWT a FHIR server checks with the JWKS
// alone), OIDC-6 (fhirUser from the id_token).
'use strict';
const { chromium } = require('playwright-core');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const {
  fail, startService, request, registerPublicApp, spkiPin, listen, startProxy, runFlow,
} = require('./harness');

const [binary, sourceDir, outputArg] = process.argv.slice(2);
const PUBLIC_BASE = 'https://localhost:8443';
const PUBLIC_AUTHORITY = 'localhost:8443';
const EHR_API_KEY = crypto.randomBytes(32).toString('base64url');
const PATIENT_USER = { username: 'pat.jones', password: process.env.DEMO_PATIENT_PASSWORD,
                       patient: '1001' };
const EHR_LAUNCH = { user: 'prac-smith', patient: '1002' };
const STANDALONE_SCOPE = 'launch/patient openid fhirUser patient/*.rs offline_access';
const EHR_SCOPE = 'launch openid fhirUser patient/*.rs';
const STEP_TIMEOUT_MS = 20000;

async function getJson(service, target) {
  const res = await request(service, 'GET', target);
  if (res.status !== 200) fail(`GET ${target}: ${res.status} ${res.body}`);
  return JSON.parse(res.body);
}

// ---- The stub FHIR server: checks the token with nothing but the JWKS -----------------------

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// RFC 7515 §5.2 with the algorithms smart-auth's JWKS publishes (RFC 7518 §3.3, §3.4: ECDSA
// signatures are raw r||s). Returns the payload, or throws with the reason.
function verifyJwt(token, jwks) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a JWS compact serialization');
  const header = b64urlJson(parts[0]);
  const jwk = jwks.keys.find(k => k.kid === header.kid);
  if (!jwk) throw new Error(`no JWKS key with kid ${header.kid}`);
  const hashes = { RS256: 'sha256', ES256: 'sha256', ES384: 'sha384' };
  if (!hashes[header.alg] || (jwk.alg && jwk.alg !== header.alg)) {
    throw new Error(`alg ${header.alg} does not fit key ${jwk.kid}`);
  }
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const signed = Buffer.from(parts[0] + '.' + parts[1], 'ascii');
  const signature = Buffer.from(parts[2], 'base64url');
  const verifier = header.alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key;
  if (!crypto.verify(hashes[header.alg], signed, verifier, signature)) {
    throw new Error('signature does not verify');
  }
  return { header, payload: b64urlJson(parts[1]) };
}

function startFhirStub(state) {
  const cors = req => ({
    'Access-Control-Allow-Origin': req.headers.origin || '*',
    'Access-Control-Allow-Methods': 'GET, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Authorization',
    'Vary': 'Origin',
  });
  const send = (req, res, status, body, extra = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...cors(req), ...extra });
    res.end(JSON.stringify(body));
  };
  const outcome = text => ({ resourceType: 'OperationOutcome',
                             issue: [{ severity: 'error', code: 'security', diagnostics: text }] });
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://stub');
    state.requests.push(`${req.method} ${url.pathname}`);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors(req));
      res.end();
      return;
    }
    // fhirclient looks for {iss}/.well-known/smart-configuration: smart-auth's own document,
    // fetched from it at start.
    if (req.method === 'GET' && url.pathname === '/fhir/.well-known/smart-configuration') {
      res.writeHead(200, { 'Content-Type': 'application/json', ...cors(req) });
      res.end(state.smartConfiguration);
      return;
    }
    const read = /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(url.pathname);
    if (req.method !== 'GET' || !read) {
      send(req, res, 404, outcome('not served by the stub'));
      return;
    }
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization || '');
    if (!auth) {
      send(req, res, 401, outcome('no bearer token'), { 'WWW-Authenticate': 'Bearer' });
      return;
    }
    let claims;
    try {
      claims = verifyJwt(auth[1], state.jwks).payload;
      const now = Math.floor(Date.now() / 1000);
      if (claims.iss !== state.issuer) throw new Error(`iss ${claims.iss} is not ${state.issuer}`);
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(state.fhirBase)) throw new Error(`aud ${claims.aud} is not ${state.fhirBase}`);
      if (!(typeof claims.exp === 'number' && claims.exp > now)) throw new Error('expired');
      if (claims.patient !== read[1]) {
        throw new Error(`token is for patient ${claims.patient}, not ${read[1]}`);
      }
      const scopes = String(claims.scope || '').split(' ');
      if (!scopes.some(s => /^patient\/(\*|Patient)\.(rs|read|cruds)$/.test(s))) {
        throw new Error(`scope ${claims.scope} does not allow reading Patient`);
      }
    } catch (e) {
      state.rejected.push(e.message);
      send(req, res, 401, outcome(e.message), { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      return;
    }
    state.verified.push(claims);
    send(req, res, 200, { resourceType: 'Patient', id: read[1],
                          name: [{ text: `Stub patient ${read[1]}` }] });
  });
}

// ---- The app: two pages and fhirclient's browser bundle -------------------------------------

const LAUNCH_PAGE = `<!doctype html><meta charset="utf-8"><title>Stub SMART app: launch</title>
<script src="/fhir-client.js"></script>
<script src="/app-config.js"></script>
<p id="error"></p>
<script>
  // An EHR opens this page with ?iss=...&launch=... (fhirclient reads both from the URL);
  // standalone, the app names the FHIR server itself.
  const ehr = new URL(location.href).searchParams.has('launch');
  FHIR.oauth2.authorize({
    clientId: APP.clientId, redirectUri: APP.redirectUri, iss: APP.fhirBase,
    scope: ehr ? APP.ehrScope : APP.standaloneScope, pkceMode: 'required',
  }).catch(e => { document.getElementById('error').textContent = 'authorize: ' + e.message; });
</script>`;

const APP_PAGE = `<!doctype html><meta charset="utf-8"><title>Stub SMART app</title>
<script src="/fhir-client.js"></script>
<h1>Stub SMART app</h1>
<p>Patient: <output id="patient"></output></p>
<pre id="details"></pre>
<p id="error"></p>
<script>
  FHIR.oauth2.ready()
    .then(async client => {
      window.smartClient = client;  // the test reads the access token from it
      const patient = await client.patient.read();
      document.getElementById('details').textContent = JSON.stringify({
        tokenPatient: client.patient.id, fhirUser: client.getFhirUser(),
        scope: client.state.tokenResponse.scope, name: patient.name[0].text,
      }, null, 2);
      document.getElementById('patient').textContent = patient.id;
    })
    .catch(e => { document.getElementById('error').textContent = 'ready: ' + e.message; });
</script>`;

function startApp(app) {
  const bundle = fs.readFileSync(require.resolve('fhirclient/build/fhir-client.js'));
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://app');
    const reply = (type, body) => {
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/launch.html') return reply('text/html; charset=utf-8', LAUNCH_PAGE);
    if (url.pathname === '/index.html') return reply('text/html; charset=utf-8', APP_PAGE);
    if (url.pathname === '/fhir-client.js') return reply('text/javascript', bundle);
    if (url.pathname === '/app-config.js') {
      return reply('text/javascript', 'const APP = ' + JSON.stringify(app.config) + ';');
    }
    res.writeHead(404);
    res.end();
  });
}

// ---- The browser side of each flow -----------------------------------------------------------

// Waits until the app page shows the patient it read, or fails with what the page says.
async function patientShown(page, flow) {
  // One wait for either outcome, so no second wait is left pending.
  await page.locator('#patient:not(:empty), #error:not(:empty)').first().waitFor();
  const error = await page.locator('#error').textContent();
  if (error) fail(`${flow}: the app says: ${error}`);
  return {
    patient: await page.locator('#patient').textContent(),
    details: JSON.parse(await page.locator('#details').textContent()),
  };
}

async function approveConsent(page) {
  await page.getByRole('button', { name: /allow|approve/i }).click();
}

function stubRead(stub, target, token) {
  return new Promise((resolve, reject) => {
    http.get(stub.fhirBase + target, { headers: { Authorization: `Bearer ${token}` } }, res => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

// The stub's check is not a formality: the token the browser got reads its patient, but not
// with one signature character changed, and not another patient's record.
async function expectStubRefusesForgeries(stub, token, patient, otherPatient) {
  if ((await stubRead(stub, `/Patient/${patient}`, token)) !== 200) {
    fail(`the stub refused the app's own token: ${stub.rejected.join('; ')}`);
  }
  const [header, payload, signature] = token.split('.');
  const i = Math.floor(signature.length / 2);
  const flipped = signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
  if ((await stubRead(stub, `/Patient/${patient}`, `${header}.${payload}.${flipped}`)) !== 401) {
    fail('the stub accepted a token with a changed signature');
  }
  if ((await stubRead(stub, `/Patient/${otherPatient}`, token)) !== 401) {
    fail(`the stub let a token for patient ${patient} read patient ${otherPatient}`);
  }
}

function expectVerifiedRead(stub, flow, patient, before) {
  const reads = stub.verified.slice(before);
  if (!reads.some(c => c.patient === patient)) {
    fail(`${flow}: the stub verified no token for patient ${patient} (rejected: ${stub.rejected.join('; ')})`);
  }
}

// (a) Standalone launch: the app names the FHIR server; pat.jones logs in and, a patient, opens
// her own record without a picker.
async function standaloneFlow({ browser, outputDir, stub, appOrigin }) {
  const before = stub.verified.length;
  const run = { outputDir, prefix: 'fhirclient', flow: 'standalone', timeoutMs: STEP_TIMEOUT_MS };
  const shown = await runFlow(browser, run, async page => {
    await page.goto(`${appOrigin}/launch.html`);
    await page.getByLabel(/user ?name/i).fill(PATIENT_USER.username);
    await page.getByLabel(/password/i).fill(PATIENT_USER.password);
    await page.getByRole('button', { name: /sign in|log in/i }).click();
    await approveConsent(page);
    const result = await patientShown(page, 'standalone');
    result.accessToken = await page.evaluate(() => smartClient.state.tokenResponse.access_token);
    return result;
  });
  if (shown.patient !== PATIENT_USER.patient) fail('standalone: patient ' + shown.patient);
  expectVerifiedRead(stub, 'standalone', PATIENT_USER.patient, before);
  await expectStubRefusesForgeries(stub, shown.accessToken, PATIENT_USER.patient, EHR_LAUNCH.patient);
  if (!/Patient\/1001$/.test(shown.details.fhirUser || '')) {
    fail('standalone: fhirUser from the id_token: ' + shown.details.fhirUser);
  }
  console.log('ok   standalone launch: fhirclient exchanged the code in Chromium and read ' +
              'Patient/1001 from a FHIR server that verified the token with the JWKS');
}

// (b) EHR launch: the EHR creates a launch for Dr. Smith and patient 1002 and opens the app's
// launch page with iss and launch; the app's authorize carries launch, so no login is needed.
async function ehrFlow({ browser, outputDir, stub, app, appOrigin, service }) {
  const created = await request(service, 'POST', '/auth/launch', JSON.stringify({
    user: EHR_LAUNCH.user, patient: EHR_LAUNCH.patient, client_id: app.config.clientId,
  }), { 'Content-Type': 'application/json', Authorization: `Bearer ${EHR_API_KEY}` });
  if (created.status !== 201) fail('POST /auth/launch: ' + created.status + ' ' + created.body);
  const launch = JSON.parse(created.body).launch;
  const before = stub.verified.length;
  const run = { outputDir, prefix: 'fhirclient', flow: 'ehr', timeoutMs: STEP_TIMEOUT_MS };
  const shown = await runFlow(browser, run, async page => {
    await page.goto(`${appOrigin}/launch.html?${new URLSearchParams({ iss: stub.fhirBase, launch })}`);
    await approveConsent(page);
    return patientShown(page, 'ehr');
  });
  if (shown.patient !== EHR_LAUNCH.patient) fail('ehr: patient ' + shown.patient);
  expectVerifiedRead(stub, 'ehr', EHR_LAUNCH.patient, before);
  if (!/Practitioner\/prac-smith$/.test(shown.details.fhirUser || '')) {
    fail('ehr: fhirUser from the id_token: ' + shown.details.fhirUser);
  }
  console.log('ok   EHR launch: fhirclient exchanged the code in Chromium and read ' +
              'Patient/1002 from a FHIR server that verified the token with the JWKS');
}

(async () => {
  if (!PATIENT_USER.password) fail('DEMO_PATIENT_PASSWORD is not set');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smart-auth-fhirclient-'));
  const outputDir = outputArg || dir;
  fs.mkdirSync(outputDir, { recursive: true });
  for (const old of fs.readdirSync(outputDir)) {
    if (/^fhirclient-.*\.png$/.test(old)) fs.rmSync(path.join(outputDir, old));
  }

  const stub = { requests: [], verified: [], rejected: [] };
  const app = { config: {} };
  const fhirServer = startFhirStub(stub);
  const appServer = startApp(app);
  const sockets = new Set();
  let proxy;
  let service;
  let browser;
  try {
    stub.fhirBase = `http://127.0.0.1:${await listen(fhirServer)}/fhir`;
    const appOrigin = `http://127.0.0.1:${await listen(appServer)}`;
    // public_base_url stays the issuer; the test's own requests name it as their Host.
    service = await startService({
      binary, sourceDir, dir, authority: PUBLIC_AUTHORITY,
      serverLines: [`  public_base_url: "${PUBLIC_BASE}"`],
      // The stub is the FHIR server tokens are issued for (their aud).
      extraLines: ['smart:', `  fhir_base_url: "${stub.fhirBase}"`,
                   'launch:', `  ehr_api_key: "${EHR_API_KEY}"`],
    });
    proxy = startProxy(service, sockets, PUBLIC_AUTHORITY);
    const proxyPort = await listen(proxy);

    // What the stub knows of smart-auth: its discovery and keys (the JWKS), nothing else.
    stub.smartConfiguration = (await request(service, 'GET', '/.well-known/smart-configuration')).body;
    stub.issuer = (await getJson(service, '/.well-known/openid-configuration')).issuer;
    stub.jwks = await getJson(service, '/.well-known/jwks.json');
    if (stub.issuer !== PUBLIC_BASE) fail('openid-configuration issuer: ' + stub.issuer);

    // The app registers as a public client (RFC 7591), as README "Launching an app" shows.
    const redirectUri = `${appOrigin}/index.html`;
    const clientId = await registerPublicApp(service, {
      name: 'fhirclient test app', redirectUri,
      scope: 'launch launch/patient openid fhirUser profile patient/*.rs offline_access',
    });
    app.config = { clientId, redirectUri, fhirBase: stub.fhirBase,
                   standaloneScope: STANDALONE_SCOPE, ehrScope: EHR_SCOPE };

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage',
             `--proxy-server=http://127.0.0.1:${proxyPort}`,
             // Loopback normally bypasses any proxy: send localhost (the issuer) through it,
             // and let 127.0.0.1 (the app and the stub) go direct.
             '--proxy-bypass-list=<-loopback>;127.0.0.1',
             `--ignore-certificate-errors-spki-list=${await spkiPin(service)}`],
    });

    // Each flow runs even when the other failed, so a failure report shows both.
    const failures = [];
    const env = { browser, outputDir, stub, app, appOrigin, service };
    for (const [flow, run] of [['standalone', standaloneFlow], ['ehr', ehrFlow]]) {
      try {
        await run(env);
      } catch (e) {
        failures.push(e.message);
      }
    }
    console.log(`     screenshots in ${outputDir}`);
    if (failures.length) fail(`${failures.length} of 2 flows failed:\n  ${failures.join('\n  ')}`);
  } finally {
    if (browser) await browser.close();
    for (const s of sockets) s.destroy();
    for (const server of [proxy, appServer, fhirServer]) if (server) server.close();
    if (service) service.proc.kill('SIGTERM');
  }
})().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
