// The smart-auth sample SMART app (README "Demo walk-through"). Plain fetch and Web Crypto, no
// library: an EHR launch (?iss=...&launch=...) or a standalone launch (the button), each with
// PKCE S256 and state (SMART App Launch 2.2, App Launch steps 3 to 5), then the code exchanged at
// the token endpoint and everything the app received shown on the page.
'use strict';

const STORAGE_KEY = 'smart-auth-demo-app';
// The launch context members of a token response (SMART App Launch 2.2, Launch context).
const CONTEXT_MEMBERS = ['patient', 'encounter', 'fhirContext', 'need_patient_banner',
                         'smart_style_url', 'intent', 'tenant'];

const $ = id => document.getElementById(id);

function show(id, value) {
  $(id).textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function base64url(bytes) {
  let binary = '';
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

// The JWS payload (and header), decoded only: the app shows what it received.
function decodeJwt(token) {
  const parts = String(token || '').split('.');
  if (parts.length !== 3) return null;
  const decode = part => {
    const text = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(text, c => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  };
  return { header: decode(parts[0]), payload: decode(parts[1]) };
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.json();
}

// SMART App Launch 2.2, step 3: to the authorization endpoint with PKCE (RFC 7636 §4.2, S256)
// and an unguessable state (RFC 6749 §10.12), both kept for the way back.
async function authorize(config, discovery, { aud, scope, launch }) {
  const verifier = randomString(32);  // 43 characters (RFC 7636 §4.1)
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  const state = randomString(16);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({
    state, verifier, flow: launch ? 'EHR launch' : 'standalone launch',
  }));
  const url = new URL(discovery.authorization_endpoint);
  const params = {
    response_type: 'code', client_id: config.client_id, redirect_uri: config.redirect_uri,
    scope, state, aud, code_challenge: base64url(digest), code_challenge_method: 'S256',
  };
  if (launch) params.launch = launch;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  location.assign(url.href);
}

// Steps 4 and 5: the code comes back with our state; exchange it with the verifier.
async function finish(config, discovery, params) {
  const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
  sessionStorage.removeItem(STORAGE_KEY);
  history.replaceState(null, '', location.pathname);  // the code leaves the address bar
  if (!saved || params.get('state') !== saved.state) {
    throw new Error('the state that came back is not the one this app sent: not exchanging');
  }
  if (params.has('error')) {
    throw new Error(`authorization failed: ${params.get('error')}` +
                    (params.get('error_description') ? `: ${params.get('error_description')}` : ''));
  }
  // RFC 9207 §2.4: the response names the authorization server it came from.
  if (params.has('iss') && discovery.issuer && params.get('iss') !== discovery.issuer) {
    throw new Error(`iss ${params.get('iss')} is not the issuer ${discovery.issuer}`);
  }
  show('status', 'Exchanging the code at the token endpoint…');
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'),
      redirect_uri: config.redirect_uri, client_id: config.client_id,
      code_verifier: saved.verifier,
    }),
  });
  const token = await response.json();
  if (!response.ok) {
    throw new Error(`token endpoint: ${response.status} ${token.error}` +
                    (token.error_description ? `: ${token.error_description}` : ''));
  }
  render(token, saved.flow);
}

function render(token, flow) {
  const idToken = decodeJwt(token.id_token);
  const accessToken = decodeJwt(token.access_token);
  const context = {};
  for (const name of CONTEXT_MEMBERS) if (name in token) context[name] = token[name];
  show('flow', flow);
  show('patient', token.patient || 'none');
  show('encounter', token.encounter || 'none');
  show('fhir-user', (idToken && idToken.payload.fhirUser) || 'none (no openid fhirUser)');
  show('need-patient-banner', String(token.need_patient_banner));
  show('scope', token.scope || '');
  show('launch-context', context);
  show('token-response', token);
  show('id-token', idToken || 'none');
  show('access-token', accessToken ? accessToken.payload : 'not a JWT');
  show('status', `Signed in by ${flow}.`);
  $('result').hidden = false;
}

(async () => {
  try {
    const config = await getJson('config.json');
    // The sample app is served by the authorization server itself: it reads discovery there.
    const discovery = await getJson('/.well-known/smart-configuration');
    $('standalone').addEventListener('click', () => {
      authorize(config, discovery, { aud: config.fhir_base_url, scope: config.standalone_scope })
        .catch(e => { $('error').hidden = false; show('error', e.message); });
    });
    const params = new URL(location.href).searchParams;
    if (params.has('code') || params.has('error')) return await finish(config, discovery, params);
    if (params.has('launch')) {
      // SMART App Launch 2.2, EHR launch: iss is the FHIR base, sent back as aud.
      if (!params.get('iss')) throw new Error('an EHR launch without iss');
      show('status', 'EHR launch: on to the authorization endpoint…');
      return await authorize(config, discovery,
                             { aud: params.get('iss'), scope: config.ehr_scope,
                               launch: params.get('launch') });
    }
    show('status', 'Not launched yet: launch this app from the demo EHR launcher, or start a ' +
                   'standalone launch.');
  } catch (e) {
    $('error').hidden = false;
    show('error', e.message);
    show('status', 'Failed.');
  }
})();
