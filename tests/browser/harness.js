// What the browser tests share: the real binary started on a kernel-chosen port with the demo
// directory, the test's own verified HTTPS requests to it, a public app registered over RFC 7591,
// and the SPKI pin that lets Chromium trust exactly the service's key (TLS stays verified).
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const https = require('https');
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

module.exports = { fail, startService, request, registerPublicApp, spkiPin };
