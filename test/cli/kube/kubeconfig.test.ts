/**
 * The pure parts of `sso-agent kubeconfig`: the edit of the kubeconfig text (only its own
 * entries, everything else as it was), which file, the exec stanza, the CA check.
 */
import t from 'tap';
import { parse } from 'yaml';
import { execStanza } from '../../../src/cli/kube/exec-stanza.js';
import { kubeconfigPath } from '../../../src/cli/kube/kubeconfig-path.js';
import { KubeconfigPlanError, entryName, planKubeconfig, type KubeEntry } from '../../../src/cli/kube/plan-kubeconfig.js';
import { readCaData } from '../../../src/cli/kube/read-ca.js';

const exec = execStanza({ execPath: '/usr/bin/node', mainScript: '/opt/sso-agent/dist/cli/main.js' }, ['--cluster-name', 'demo', 'dev']);
const entry: KubeEntry = { name: entryName('dev', 'demo'), context: entryName('dev', 'demo'), server: 'https://x.eks.amazonaws.com', caData: 'Q0E=', exec };

const theirs = `apiVersion: v1
clusters:
- cluster:
    server: https://10.0.0.1:6443 # lab
  name: on-prem
contexts:
- context:
    cluster: on-prem
    user: admin
  name: mine
current-context: mine
kind: Config
preferences: {}
users:
- name: admin
  user:
    token: "quoted"
`;

t.test('their file: our three entries appended, current-context switched, nothing else changed', async (t) => {
  const out = planKubeconfig(theirs, entry);
  t.equal(out, `apiVersion: v1
clusters:
- cluster:
    server: https://10.0.0.1:6443 # lab
  name: on-prem
- cluster:
    certificate-authority-data: Q0E=
    server: https://x.eks.amazonaws.com
  name: sso-agent/dev/demo
contexts:
- context:
    cluster: on-prem
    user: admin
  name: mine
- context:
    cluster: sso-agent/dev/demo
    user: sso-agent/dev/demo
  name: sso-agent/dev/demo
current-context: sso-agent/dev/demo
kind: Config
preferences: {}
users:
- name: admin
  user:
    token: "quoted"
- name: sso-agent/dev/demo
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /usr/bin/node
      args:
      - /opt/sso-agent/dist/cli/main.js
      - eks-token
      - --cluster-name
      - demo
      - dev
      interactiveMode: Never
      provideClusterInfo: false
`);
  t.equal(planKubeconfig(out, entry), out, 'idempotent');
  const moved = planKubeconfig(out, { ...entry, server: 'https://y.eks.amazonaws.com' });
  t.equal(moved, out.replace('https://x.eks', 'https://y.eks'), 'an update replaces our entry in place');
});

t.test('a new or empty file gets the skeleton kubectl expects', async (t) => {
  for (const text of ['', '\n']) {
    const doc = parse(planKubeconfig(text, entry)) as Record<string, unknown>;
    t.match(doc, { apiVersion: 'v1', kind: 'Config', 'current-context': 'sso-agent/dev/demo', clusters: [{ name: 'sso-agent/dev/demo' }], users: [{ name: 'sso-agent/dev/demo' }] });
  }
  t.match(parse(planKubeconfig('apiVersion: v1\nkind: Config\nusers:\nclusters: null\n', entry)), { users: [{ name: 'sso-agent/dev/demo' }], clusters: [{}] }, 'empty lists filled in');
});

t.test('refused: others\' contexts, and files that are not a kubeconfig', async (t) => {
  t.throws(() => planKubeconfig(theirs, { ...entry, context: 'mine' }), new KubeconfigPlanError('its context "mine" is not one sso-agent wrote; pass --context with another name'));
  const ours = planKubeconfig(theirs, { ...entry, context: 'work' });
  t.match(parse(planKubeconfig(ours, { ...entry, context: 'work', server: 'https://z' })), { 'current-context': 'work' }, 'a context we wrote may be rewritten');
  for (const [text, re] of [
    ['clusters: {a: 1}\n', /"clusters" is not a list/],
    ['- just\n- a list\n', /not a YAML mapping/],
    ['key: [unclosed\n', /not valid YAML/],
    ['a: 1\n---\nb: 2\n', /not valid YAML/],
  ] as const) {
    t.throws(() => planKubeconfig(text, entry), re, text);
  }
});

t.test('which file: --kubeconfig, the first of KUBECONFIG, ~/.kube/config', async (t) => {
  t.equal(kubeconfigPath('/x/flag', { KUBECONFIG: '/a:/b' }), '/x/flag');
  t.equal(kubeconfigPath(undefined, { KUBECONFIG: ':/a:/b', HOME: '/h' }), '/a');
  t.equal(kubeconfigPath(undefined, { KUBECONFIG: '~/k', HOME: '/h' }), '/h/k');
  t.equal(kubeconfigPath(undefined, { HOME: '/h' }), '/h/.kube/config');
  t.equal(kubeconfigPath('rel', {}, '/cwd'), '/cwd/rel');
});

t.test('the exec stanza: the shell client in front where there is one', async (t) => {
  const fast = execStanza({ execPath: '/n', mainScript: '/m.js', shellClient: '/b/sso-agent-eks-token.sh' }, ['--cluster-name', 'c', 'p']);
  t.same(fast, {
    apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/bin/sh',
    args: ['/b/sso-agent-eks-token.sh', '/n', '/m.js', 'eks-token', '--cluster-name', 'c', 'p'],
    interactiveMode: 'Never', provideClusterInfo: false,
  });
});

t.test('the CA: a PEM certificate, from a file or base64', async (t) => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  t.equal(await readCaData(undefined, Buffer.from(pem).toString('base64')), Buffer.from(pem).toString('base64'));
  await t.rejects(readCaData(undefined, Buffer.from('hello').toString('base64')), /--ca-data is not a base64-encoded PEM certificate/);
  await t.rejects(readCaData(undefined, undefined), /--ca-file PEM_FILE or --ca-data BASE64/);
  await t.rejects(readCaData('/nonexistent/ca.pem', undefined), /cannot read --ca-file \/nonexistent\/ca.pem: ENOENT/);
  const dir = t.testdir({ 'key.pem': '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n', 'ca.pem': pem });
  await t.rejects(readCaData(`${dir}/key.pem`, undefined), /holds no PEM certificate/);
  t.equal(await readCaData(`${dir}/ca.pem`, undefined), Buffer.from(pem).toString('base64'));
});
