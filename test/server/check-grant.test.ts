import t from 'tap';
import { checkGrant } from '../../src/server/check-grant.js';
import { grantListener, loopbackListener, type Listener } from '../../src/server/listener.js';
import { routeToken } from '../../src/server/route-token.js';
import { listenerHostOk, type ListenerIdentity } from '../../src/server/listener-identity.js';
import { GrantStore } from '../../src/store/grants.js';

const key = Buffer.alloc(32, 7);
const store = new GrantStore();
const container = store.create({ kind: 'container', profiles: ['a', 'b'] });
const remote = store.create({ kind: 'remote', profiles: ['a'] });
const otherRemote = store.create({ kind: 'remote', profiles: ['a'] });
const hostA = routeToken(key, 'a');
const C: ListenerIdentity = { kind: 'container', address: '169.254.170.2' };
const R: ListenerIdentity = { kind: 'remote', grantId: remote.grant.id, hostPort: 40000 };
const L: ListenerIdentity = { kind: 'loopback' };
const listeners = new Map<ListenerIdentity, Listener>([
  [C, grantListener(C, () => 8732, store)], [R, grantListener(R, () => 8732, store)], [L, loopbackListener(() => 8732, key)],
]);
const listener = (l: ListenerIdentity): Listener => listeners.get(l) as Listener;
const code = (l: ListenerIdentity, token: string, profile: string): string | undefined => listener(l).refusal({ profile }, token)?.code;

t.test('each listener takes its own kind of token, for the granted profiles only', async (t) => {
  t.equal(code(C, container.token, 'a'), undefined);
  t.equal(code(C, container.token, 'b'), undefined);
  t.equal(code(C, container.token, 'c'), 'ProfileNotGranted');
  t.equal(code(C, hostA, 'a'), 'GrantRequired', 'a host token on the container listener');
  t.equal(code(C, remote.token, 'a'), 'GrantRequired', 'an ssh grant on the container listener');
  t.equal(code(R, remote.token, 'a'), undefined);
  t.equal(code(R, otherRemote.token, 'a'), 'GrantRequired', 'another ssh session\'s grant');
  t.equal(code(R, container.token, 'a'), 'GrantRequired');
  t.equal(code(R, hostA, 'a'), 'GrantRequired');
  t.equal(code(L, hostA, 'a'), undefined);
  t.equal(code(L, container.token, 'a'), 'AccessDenied', 'a grant on the loopback listener');
  t.equal(code(L, remote.token, 'a'), 'AccessDenied');
  t.equal(checkGrant(L, container.token, 'a', store)?.code, 'GrantRequired', 'checkGrant never passes on loopback');
  t.match(listener(C).refusal({ profile: 'c' }, container.token)?.message, /does not cover profile c/);
});

t.test('Host rules per listener (DNS-rebinding guard)', async (t) => {
  const ok = (l: ListenerIdentity, host: string | undefined, port = 8732) => listenerHostOk(l, host, port);
  t.ok(ok(C, '169.254.170.2:8732'));
  t.notOk(ok(C, '127.0.0.1:8732'), 'loopback names are not the container listener\'s');
  t.notOk(ok(C, 'localhost:8732'));
  t.notOk(ok(C, 'evil.example:8732'));
  t.notOk(ok(C, '169.254.170.2:8733'));
  t.notOk(ok(C, '169.254.170.2'), 'no port means 80');
  t.notOk(ok(C, undefined));
  const ecs: ListenerIdentity = { kind: 'container', address: '169.254.170.2', port: 80 };
  t.ok(ok(ecs, '169.254.170.2'), 'the ECS endpoint: Host without a port');
  t.ok(ok(ecs, '169.254.170.2:80'));
  t.notOk(ok(ecs, '169.254.170.2:8732'));
  const relayEnd: ListenerIdentity = { kind: 'container', address: '127.0.0.1', port: 8733 };
  t.ok(ok(relayEnd, '169.254.170.2:8733'), 'behind a relay: the ECS address');
  t.ok(ok(relayEnd, '127.0.0.1:8733'));
  const v6: ListenerIdentity = { kind: 'container', address: 'fd00:ec2::23' };
  t.ok(ok(v6, '[fd00:ec2::23]:8732'));
  t.notOk(ok(v6, 'fd00:ec2::23:8732'));
  t.ok(ok(R, '127.0.0.1:40000'), 'ssh: the remote port');
  t.ok(ok(R, 'localhost:40000'));
  t.notOk(ok(R, '127.0.0.1:8732'), 'ssh: not the agent\'s port');
  t.ok(ok(L, '127.0.0.1:8732'));
  t.notOk(ok(L, '169.254.170.2:8732'));
});
