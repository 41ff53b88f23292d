import t from 'tap';
import { composeSnippet, containerVars, devcontainerSnippet, envFileText } from '../../src/cli/container-env.js';
import { formatContainerAddress, parseContainerAddress } from '../../src/cli/parse-container-address.js';

t.test('--container-address: one named address, an optional port, never a wildcard', async (t) => {
  t.same(parseContainerAddress('169.254.170.2'), { address: '169.254.170.2' });
  t.same(parseContainerAddress('169.254.170.2:80'), { address: '169.254.170.2', port: 80 });
  t.same(parseContainerAddress('FD00:EC2::23'), { address: 'fd00:ec2::23' });
  t.same(parseContainerAddress('[fd00:ec2::23]:80'), { address: 'fd00:ec2::23', port: 80 });
  t.same(parseContainerAddress('127.0.0.1:8733'), { address: '127.0.0.1', port: 8733 });
  for (const bad of ['0.0.0.0', '::', '[::]:80', 'host.docker.internal', '169.254.170.2:0', '169.254.170.2:99999', '']) {
    t.throws(() => parseContainerAddress(bad), { code: 'BadUsage' }, bad);
  }
  t.throws(() => parseContainerAddress('0.0.0.0'), /every network/);
  t.equal(formatContainerAddress({ address: 'fd00:ec2::23', port: 80 }), '[fd00:ec2::23]:80');
  t.equal(formatContainerAddress({ address: '169.254.170.2' }), '169.254.170.2');
});

t.test('what a container gets: the URI or the ECS form, the token, the region; docker env-file syntax', async (t) => {
  const grant = { uris: { a: 'http://169.254.170.2:8732/v1/credentials/a' }, token: 'T'.repeat(43) };
  const full = containerVars(grant, 'a', 'eu-west-1');
  t.same(full, {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.2:8732/v1/credentials/a', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'T'.repeat(43),
    AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1',
  });
  const rel = containerVars(grant, 'a', undefined, true);
  t.same(rel, { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v1/credentials/a', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'T'.repeat(43) });
  t.equal(envFileText(rel), `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v1/credentials/a\nAWS_CONTAINER_AUTHORIZATION_TOKEN=${'T'.repeat(43)}\n`);
  t.same(JSON.parse(devcontainerSnippet('/home/me/.config/grant.env')), { runArgs: ['--network=sso-agent', '--env-file=/home/me/.config/grant.env'] });
  t.equal(composeSnippet('/x y/g.env'), 'services:\n  app:\n    networks: [sso-agent]\n    env_file: ["/x y/g.env"]\nnetworks:\n  sso-agent:\n    external: true\n');
});

t.test('the service unit passes --container-address on to serve', async (t) => {
  const { serveArgs } = await import('../../src/cli/service/inputs.js');
  t.same(serveArgs({ containerAddresses: ['169.254.170.2', '169.254.170.2:80'] }), ['--container-address', '169.254.170.2', '--container-address', '169.254.170.2:80']);
  t.same(serveArgs({ persist: 'keychain' }), ['--persist', 'keychain']);
});

t.test('status names each container listener and whether its address is there', async (t) => {
  const { containersLine } = await import('../../src/cli/commands/status.js');
  t.equal(containersLine(undefined), '');
  t.equal(containersLine([{ address: '169.254.170.2', port: 8732, listening: true }, { address: 'fd00:ec2::23', port: 80, listening: false }]),
    'containers: 169.254.170.2:8732 (listening), [fd00:ec2::23]:80 (waiting for the address)\n');
});
