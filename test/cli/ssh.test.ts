import t from 'tap';
import { spawnSync } from 'node:child_process';
import { remoteCommand } from '../../src/cli/ssh/remote-command.js';
import { splitSshArgs } from '../../src/cli/ssh/ssh-args.js';

t.test('SSH_ARGS split as ssh\'s getopt reads them', async (t) => {
  t.same(splitSshArgs(['host']), { options: [], destination: 'host', command: [], tty: 'default' });
  t.same(splitSshArgs(['-p', '22', '-i', 'k', '-4v', 'me@host', 'ls', '-la']), { options: ['-p', '22', '-i', 'k', '-4v'], destination: 'me@host', command: ['ls', '-la'], tty: 'default' });
  t.same(splitSshArgs(['-p2222', '-oBatchMode=yes', '-tt', 'h']), { options: ['-p2222', '-oBatchMode=yes', '-tt'], destination: 'h', command: [], tty: 'force' });
  t.same(splitSshArgs(['-T', '--', 'h', 'cmd']), { options: ['-T'], destination: 'h', command: ['cmd'], tty: 'none' });
  t.same(splitSshArgs(['-vp', '22', 'h']).options, ['-vp', '22'], 'a value option last in a group takes the next word');
  for (const bad of [['-N', 'h'], ['-fN', 'h'], ['-W', 'x:1', 'h'], ['-G', 'h'], ['-O', 'exit', 'h'], [], ['-p'], ['-v']]) {
    t.throws(() => splitSshArgs(bad), { code: 'BadUsage' }, bad.join(' '));
  }
});

t.test('the remote command works under sh, bash, zsh and fish as the login shell', async (t) => {
  const env = { uris: { 'prod-admin': 'http://127.0.0.1:40000/v1/credentials/prod-admin', "o'neil": "http://127.0.0.1:40000/v1/credentials/o'neil" }, region: 'eu-west-1' };
  // Syntax every one of the four shells reads alike (the command runs in the remote user's shell).
  const cmd = remoteCommand(env, ['echo', '"$AWS_CONTAINER_AUTHORIZATION_TOKEN"', '$AWS_CONTAINER_CREDENTIALS_FULL_URI', '"$SSO_AGENT_PROFILES"', '$AWS_REGION;',
    'env', '|', 'grep', '-c', '-e', "'^AWS_PROFILE='", '-e', "'^LC_SSO_AGENT_TOKEN='"]);
  t.notMatch(cmd, /tok-123/, 'the command line holds no token');
  for (const shell of ['/bin/sh', '/bin/bash', '/usr/bin/zsh', '/usr/bin/fish']) {
    if (spawnSync(shell, ['-c', 'true']).status !== 0) {
      t.test(shell, { skip: `${shell} is not installed` }, () => {});
      continue;
    }
    // As sshd runs it: the login shell with -c and the command, SHELL set, the token in LC_*.
    const r = spawnSync(shell, ['-c', cmd], { encoding: 'utf8', env: { PATH: process.env.PATH, SHELL: shell, LC_SSO_AGENT_TOKEN: 'tok-123', AWS_PROFILE: 'old' } });
    t.equal(r.stdout, "tok-123 http://127.0.0.1:40000/v1/credentials/prod-admin prod-admin o'neil eu-west-1\n0\n", `${shell}: ${r.stderr}`);
  }
  const none = spawnSync('/bin/sh', ['-c', remoteCommand(env, ['true'])], { encoding: 'utf8', env: { PATH: process.env.PATH, SHELL: '/bin/sh' } });
  t.match(none.stderr, /no token reached this host: its sshd does not accept LC_SSO_AGENT_TOKEN/);
});
