/**
 * proxyForUrl against botocore itself: for each environment and URL, botocore's own answer
 * (`get_environ_proxies` + `ProxyConfiguration`, as its endpoint code uses them) must be ours.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { proxyForUrl, redactProxy } from '../../src/sso/proxy.js';

interface Case { url: string; env: Record<string, string> }

const P = 'http://proxy.corp:3128';
const cases: Case[] = [
  { url: 'https://oidc.eu-west-1.amazonaws.com', env: {} },
  { url: 'https://oidc.eu-west-1.amazonaws.com', env: { HTTPS_PROXY: P } },
  { url: 'https://oidc.eu-west-1.amazonaws.com', env: { https_proxy: P, HTTPS_PROXY: 'http://upper:1' } },
  { url: 'https://oidc.eu-west-1.amazonaws.com', env: { HTTP_PROXY: P } },
  { url: 'http://127.0.0.1:4000', env: { HTTP_PROXY: P } },
  { url: 'http://127.0.0.1:4000', env: { HTTP_PROXY: P, NO_PROXY: '127.0.0.1' } },
  { url: 'http://127.0.0.1:4000', env: { HTTP_PROXY: P, NO_PROXY: '127.0.0.1:4000' } },
  { url: 'http://127.0.0.1:4000', env: { HTTP_PROXY: P, NO_PROXY: '127.0.0.1:5000' } },
  { url: 'http://localhost:4000', env: { HTTP_PROXY: P } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: P, NO_PROXY: 'amazonaws.com' } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: P, NO_PROXY: '.amazonaws.com' } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: P, no_proxy: 'example.com, sso.us-east-1.amazonaws.com' } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: P, NO_PROXY: 'zonaws.com' } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: P, NO_PROXY: '*' } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: 'proxy.corp:3128' } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: 'https://secure.proxy:443' } },
  { url: 'https://portal.sso.us-east-1.amazonaws.com', env: { HTTPS_PROXY: P, NO_PROXY: 'PORTAL.SSO.US-EAST-1.AMAZONAWS.COM' } },
];

const PY = `
import json, os, sys
from botocore.httpsession import ProxyConfiguration
from botocore.utils import get_environ_proxies
cases = json.load(sys.stdin)
out = []
for c in cases:
    os.environ.clear()
    os.environ.update(c['env'])
    out.append(ProxyConfiguration(proxies=get_environ_proxies(c['url'])).proxy_url_for(c['url']))
print(json.dumps(out))
`;

t.test('the same proxy as botocore for every case', async (t) => {
  const botocore = JSON.parse(execFileSync('python3', ['-c', PY], { input: JSON.stringify(cases), encoding: 'utf8' })) as Array<string | null>;
  cases.forEach((c, i) => {
    t.equal(proxyForUrl(c.url, c.env) ?? null, botocore[i] ?? null, `${c.url} with ${JSON.stringify(c.env)}`);
  });
});

t.test('proxy credentials never reach a message', async (t) => {
  t.equal(redactProxy('http://user:s3cret@proxy.corp:3128'), 'http://***@proxy.corp:3128');
  t.equal(redactProxy('http://proxy.corp:3128/'), 'http://proxy.corp:3128');
});
