// What the browser tests share: the real binary started on a kernel-chosen port with the demo
// directory, the test's own verified HTTPS requests to it, a public app registered over RFC 7591,
// and the SPKI pin that lets Chromium trust exactly the service's key (TLS stays verified).
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const net = require('net');
const path = require('path');
const tls = require('tls');

function fail(message) {
  console.error('FAIL ' + message);
  process.exitCode = 1;
  throw new Error(message);
}

// Starts `binary` in `dir`. `serverLines` go under server: (indented), `extraLines` after the
// rest of the config. `authority` is the Host the test's own requests send (default: the port's).
async function startService({ binary, sourceDir, dir, serverLines = [], extraLines = [], authority }) {
  const config = path.join(dir, 'smart-auth.yaml');
  fs.writeFileSync(config, [
    `data_dir: "${dir}/data"`,
    'server:', '  listen: "127.0.0.1:0"', '  threads: 2', ...serverLines,
    'store:', `  path: "${dir}/data/smart-auth.db"`,
    'directory:', '  builtin:', `    file: "${sourceDir}/config/demo-directory.yaml"`,
    ...extraLines,
    '',
  ].join('\n'));
  const ready = path.join(dir, 'ready.json');
  const log = fs.openSync(path.join(dir, 'service.log'), 'w');
  // SMART_AUTH_BINARY (scripts/test's sanitizer pass) overrides the binary ctest passes.
  const proc = spawn(process.env.SMART_AUTH_BINARY || binary,
                     ['--config', config, '--ready-file', ready],
                     { stdio: ['ignore', log, log] });
  for (let i = 0; i < 2000 && !fs.existsSync(ready); i++) await new Promise(r => setTimeout(r, 10));
  if (!fs.existsSync(ready)) fail('service did not become ready: ' + fs.readFileSync(path.join(dir, 'service.log')));
  const info = JSON.parse(fs.readFileSync(ready));
  return { proc, port: info.https_port, ca: fs.readFileSync(info.ca_file),
           authority: authority || `localhost:${info.https_port}` };
}

// The test's own requests go straight to the service's port: the service listens on 127.0.0.1
// ("localhost" may resolve to ::1 first), and the certificate is still checked for localhost.
function request(service, method, target, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', servername: 'localhost', port: service.port,
                                method, path: target, ca: service.ca,
                                headers: { Host: service.authority, ...headers } }, res => {
      let data = '';
      res.on('data', c => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

// Registers a public app (RFC 7591, token_endpoint_auth_method none) and returns its client_id.
async function registerPublicApp(service, { name, redirectUri, scope }) {
  const reg = await request(service, 'POST', '/auth/register', JSON.stringify({
    client_name: name, redirect_uris: [redirectUri], token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'], response_types: ['code'], scope,
  }), { 'Content-Type': 'application/json' });
  if (reg.status !== 201) fail('registration: ' + reg.status + ' ' + reg.body);
  return JSON.parse(reg.body).client_id;
}

// base64(SHA-256(SubjectPublicKeyInfo)) of the server's certificate, after verifying it.
function spkiPin(service) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: service.port, ca: service.ca,
                                 servername: 'localhost' }, () => {
      const cert = new crypto.X509Certificate(socket.getPeerCertificate(true).raw);
      const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
      socket.end();
      resolve(crypto.createHash('sha256').update(spki).digest('base64'));
    });
    socket.on('error', reject);
  });
}

// Listens on a kernel-chosen port of 127.0.0.1; resolves with the port.
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

// An HTTP CONNECT proxy that opens exactly one tunnel: `authority` (the issuer's, e.g.
// localhost:8443, which Chromium is told to reach through it) to the service's real port on
// 127.0.0.1. Anything else is refused. Every socket goes into `sockets`, for the test to destroy.
function startProxy(service, sockets, authority) {
  const proxy = http.createServer((req, res) => { res.writeHead(403); res.end(); });
  proxy.on('connect', (req, client, head) => {
    sockets.add(client);
    client.on('error', () => {});  // Chromium may reset a tunnel at any time
    if (req.url !== authority) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(service.port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  return proxy;
}

// Runs `steps(page)` in a fresh browser context with `timeoutMs` per step. Saves a screenshot
// `<prefix>-<flow>.png` in `outputDir` (`-failed.png`, with the page's console and failed
// responses printed, when a step throws).
async function runFlow(browser, { outputDir, prefix, flow, timeoutMs }, steps) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  const lines = [];
  page.on('console', m => lines.push(`${m.type()}: ${m.text()}`));
  page.on('response', r => {
    if (r.status() >= 400) lines.push(`response: ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  try {
    const result = await steps(page);
    const shot = path.join(outputDir, `${prefix}-${flow}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`     screenshot: ${shot}`);
    return result;
  } catch (e) {
    const shot = path.join(outputDir, `${prefix}-${flow}-failed.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    console.error(`${flow}: page ${page.url()} (screenshot ${shot})\n${lines.join('\n')}`);
    throw e;
  } finally {
    await context.close();
  }
}

module.exports = { fail, startService, request, registerPublicApp, spkiPin, listen, startProxy,
                   runFlow };
