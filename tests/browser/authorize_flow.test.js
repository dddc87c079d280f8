// One full authorization in headless Chromium, clicked through like a person: the app sends
// the browser to /auth/authorize, the practitioner logs in, picks a patient, approves, and the
// browser lands on the app's redirect_uri with a code, the state and iss.
// Usage: node authorize_flow.test.js <smart-auth binary> <source dir>
// Chromium is Debian's (/usr/bin/chromium); playwright-core downloads nothing. TLS stays
// verified: Chromium is told to trust exactly the test server's key (SPKI pin), nothing else.
'use strict';
const { chromium } = require('playwright-core');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fail, startService, registerPublicApp, spkiPin } = require('./harness');

const [binary, sourceDir] = process.argv.slice(2);
const REDIRECT = 'https://app.example/callback';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const DOCTOR = { username: 'dr.smith', password: process.env.DEMO_DOCTOR_PASSWORD };

(async () => {
  if (!DOCTOR.password) fail('DEMO_DOCTOR_PASSWORD is not set');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smart-auth-browser-'));
  const service = await startService({ binary, sourceDir, dir });
  let browser;
  try {
    const clientId = await registerPublicApp(service, {
      name: 'Browser Test App', redirectUri: REDIRECT,
      scope: 'launch/patient openid fhirUser patient/*.rs',
    });

    const challenge = crypto.createHash('sha256').update(VERIFIER).digest('base64url');
    const query = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: REDIRECT,
      scope: 'launch/patient openid fhirUser patient/*.rs', state: 'browser-state-1',
      aud: 'https://localhost:8443/fhir', code_challenge: challenge, code_challenge_method: 'S256',
    });

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--host-resolver-rules=MAP localhost 127.0.0.1',
             `--ignore-certificate-errors-spki-list=${await spkiPin(service)}`],
    });
    const page = await browser.newPage();
    // The app itself is not running (app.example does not resolve): the browser's request for
    // the redirect_uri is what the test reads; the failed page load after it does not matter.
    const arrived = new Promise(resolve => page.on('request', request => {
      if (request.url().startsWith(REDIRECT)) resolve(request.url());
    }));

    await page.goto(`https://localhost:${service.port}/auth/authorize?${query}`);
    await page.getByLabel(/user ?name/i).fill(DOCTOR.username);
    await page.getByLabel(/password/i).fill(DOCTOR.password);
    await page.getByRole('button', { name: /sign in|log in/i }).click();

    // The patient picker: choose the first patient offered.
    await page.getByRole('heading', { name: /choose a patient/i }).waitFor();
    await page.locator('button[name=patient]').first().click();

    // The consent page: approve.
    await page.getByRole('button', { name: /allow|approve/i }).click();
    const landed = new URL(await Promise.race([
      arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('no redirect to the app')), 15000).unref()),
    ]));
    if (!landed.searchParams.get('code')) fail('no code in ' + landed);
    if (landed.searchParams.get('state') !== 'browser-state-1') fail('state changed: ' + landed);
    if (landed.searchParams.get('iss') !== 'https://localhost:8443') fail('iss: ' + landed);
    console.log('ok   login, patient picker and consent in Chromium ended at the app with a code');
  } finally {
    if (browser) await browser.close();
    service.proc.kill('SIGTERM');
  }
})().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
