// The demo EHR launcher and the bundled sample app (README "Demo walk-through") in headless
// Chromium against the real binary with demo.enabled: open /demo/, pick Dr. Smith, patient 1002,
// encounter enc-1002-1 and the sample app, press Launch; the launcher creates the launch and
// opens the app's launch URL with iss and launch; the app (plain fetch + Web Crypto) sends the
// browser to /auth/authorize with PKCE S256 and state, the consent page is approved, and back in
// the app the code is exchanged FROM THE BROWSER and the patient id appears in #patient. Then the
// app's standalone button runs a standalone launch as pat.jones.
//
// Usage: node demo_launch.test.js <smart-auth binary> <source dir> [output dir]
// Screenshots of the app's last page go to the output directory (default: a temp dir); their
// paths are printed.
//
// Chromium reaches the issuer https://localhost:8443 through a CONNECT proxy in this file that
// tunnels exactly that authority to the service's real port; TLS stays end to end and verified
// (Chromium trusts exactly the service's key, SPKI pin), as in fhirclient_launch.test.js.
//
// Checklist: LAUNCH-1 (iss + launch), LAUNCH-2 (bound to the app), PKCE-1 (S256 from the app),
// AUTHZ-14 (the launcher's CSRF-protected form), CTX-1 (patient in the token response).
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {
  fail, startService, spkiPin, listen, startProxy, runFlow,
} = require('./harness');

const [binary, sourceDir, outputArg] = process.argv.slice(2);
const PUBLIC_BASE = 'https://localhost:8443';
const PUBLIC_AUTHORITY = 'localhost:8443';
const EHR_LAUNCH = { user: 'prac-smith', patient: '1002', encounter: 'enc-1002-1' };
const PATIENT_USER = { username: 'pat.jones', password: process.env.DEMO_PATIENT_PASSWORD,
                       patient: '1001' };
const STEP_TIMEOUT_MS = 20000;

// Waits for the app to show a patient (or an error); approves the consent page if it comes.
async function appResult(page, flow) {
  const consent = page.getByRole('button', { name: /allow|approve/i });
  const shown = page.locator('#patient:not(:empty), #error:not(:empty)').first();
  await consent.or(shown).first().waitFor();
  if (await consent.count()) {
    await consent.click();
    await shown.waitFor();
  }
  const error = await page.locator('#error').textContent();
  if (error) fail(`${flow}: the app says: ${error}`);
  return {
    patient: await page.locator('#patient').textContent(),
    encounter: await page.locator('#encounter').textContent(),
    fhirUser: await page.locator('#fhir-user').textContent(),
    tokenResponse: JSON.parse(await page.locator('#token-response').textContent()),
    accessToken: JSON.parse(await page.locator('#access-token').textContent()),
  };
}

// (a) From the demo EHR launcher into the sample app.
async function launcherFlow({ browser, outputDir }) {
  const run = { outputDir, prefix: 'demo', flow: 'ehr-launch', timeoutMs: STEP_TIMEOUT_MS };
  const shown = await runFlow(browser, run, async page => {
    await page.goto(`${PUBLIC_BASE}/demo/`);
    await page.getByLabel('User signed in to the EHR', { exact: true }).selectOption(EHR_LAUNCH.user);
    await page.getByLabel('Patient', { exact: true }).selectOption(EHR_LAUNCH.patient);
    await page.getByLabel('Encounter', { exact: true }).selectOption(EHR_LAUNCH.encounter);
    await page.getByLabel('App', { exact: true }).selectOption('demo-app');
    const launcherShot = path.join(outputDir, 'demo-launcher.png');
    await page.screenshot({ path: launcherShot, fullPage: true });
    console.log(`     screenshot: ${launcherShot}`);
    await Promise.all([
      // LAUNCH-1: the app's launch URL with iss and launch.
      page.waitForRequest(r => {
        const url = new URL(r.url());
        return url.pathname === '/demo/app/launch.html' &&
               url.searchParams.get('iss') === `${PUBLIC_BASE}/fhir` &&
               url.searchParams.get('launch');
      }),
      page.getByRole('button', { name: 'Launch' }).click(),
    ]);
    return appResult(page, 'ehr-launch');
  });
  if (shown.patient !== EHR_LAUNCH.patient) fail(`ehr-launch: #patient is ${shown.patient}`);
  if (shown.encounter !== EHR_LAUNCH.encounter) fail(`ehr-launch: #encounter is ${shown.encounter}`);
  if (!/Practitioner\/prac-smith$/.test(shown.fhirUser)) fail(`ehr-launch: fhirUser ${shown.fhirUser}`);
  if (shown.accessToken.patient !== EHR_LAUNCH.patient) {
    fail(`ehr-launch: access token patient claim ${shown.accessToken.patient}`);
  }
  if (!/\blaunch\b/.test(shown.tokenResponse.scope)) {
    fail(`ehr-launch: granted scope ${shown.tokenResponse.scope}`);
  }
  console.log('ok   demo EHR launcher: Launch opened the sample app, which exchanged the code in ' +
              `Chromium and shows patient ${shown.patient}, encounter ${shown.encounter}`);
}

// (b) The sample app's standalone button: pat.jones logs in and opens her own record.
async function standaloneFlow({ browser, outputDir }) {
  const run = { outputDir, prefix: 'demo', flow: 'standalone', timeoutMs: STEP_TIMEOUT_MS };
  const shown = await runFlow(browser, run, async page => {
    await page.goto(`${PUBLIC_BASE}/demo/app/`);
    await page.locator('#status').filter({ hasText: /Not launched/ }).waitFor();
    await page.getByRole('button', { name: 'Standalone launch' }).click();
    await page.getByLabel(/user ?name/i).fill(PATIENT_USER.username);
    await page.getByLabel(/password/i).fill(PATIENT_USER.password);
    await page.getByRole('button', { name: /sign in|log in/i }).click();
    return appResult(page, 'standalone');
  });
  if (shown.patient !== PATIENT_USER.patient) fail(`standalone: #patient is ${shown.patient}`);
  console.log(`ok   sample app standalone launch: shows patient ${shown.patient}`);
}

(async () => {
  if (!PATIENT_USER.password) fail('DEMO_PATIENT_PASSWORD is not set');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smart-auth-demo-'));
  const outputDir = outputArg || dir;
  fs.mkdirSync(outputDir, { recursive: true });
  for (const old of fs.readdirSync(outputDir)) {
    if (/^demo-.*\.png$/.test(old)) fs.rmSync(path.join(outputDir, old));
  }
  const sockets = new Set();
  let proxy;
  let service;
  let browser;
  try {
    service = await startService({
      binary, sourceDir, dir, authority: PUBLIC_AUTHORITY,
      serverLines: [`  public_base_url: "${PUBLIC_BASE}"`],
      extraLines: ['demo:', '  enabled: true'],
    });
    proxy = startProxy(service, sockets, PUBLIC_AUTHORITY);
    const proxyPort = await listen(proxy);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage',
             `--proxy-server=http://127.0.0.1:${proxyPort}`,
             // Loopback normally bypasses any proxy: send localhost (the issuer) through it.
             '--proxy-bypass-list=<-loopback>',
             `--ignore-certificate-errors-spki-list=${await spkiPin(service)}`],
    });
    const failures = [];
    for (const run of [launcherFlow, standaloneFlow]) {
      try {
        await run({ browser, outputDir });
      } catch (e) {
        failures.push(e.message);
      }
    }
    if (failures.length) fail(`${failures.length} of 2 flows failed:\n  ${failures.join('\n  ')}`);
  } finally {
    if (browser) await browser.close();
    for (const s of sockets) s.destroy();
    if (proxy) proxy.close();
    if (service) service.proc.kill('SIGTERM');
  }
})().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
