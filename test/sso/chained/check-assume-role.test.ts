// The check of an AssumeRole answer and the mapping of its failures: pure, on lists of inputs.
import t from 'tap';
import { isSourceRejected, mapAssumeRoleError } from '../../../src/sso/aws-errors.js';
import { checkAssumeRole, type AssumeContext } from '../../../src/sso/chained/check-assume-role.js';
import { LoginRequiredError } from '../../../src/errors.js';

const NOW = Date.UTC(2026, 5, 1);
const ctx: AssumeContext = {
  def: { name: 'spoke', roleArn: 'arn:aws:iam::222222222222:role/team/Deploy', sourceProfile: 'hub-admin' },
  file: '/home/me/.aws/config', session: 'work', sourceArn: 'the IAM Identity Center role Admin of account 111111111111',
};
const good = {
  $metadata: {},
  Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(NOW + 3600_000) },
  AssumedRoleUser: { Arn: 'arn:aws:sts::222222222222:assumed-role/Deploy/me', AssumedRoleId: 'AROAX:me' },
};

t.test('a usable answer becomes role credentials; anything less is an upstream error', async (t) => {
  t.same(checkAssumeRole(good, ctx, NOW), {
    accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration: NOW + 3600_000,
    accountId: '222222222222', roleArn: 'arn:aws:iam::222222222222:role/team/Deploy',
  });
  const broken = [
    { ...good, Credentials: undefined },
    { ...good, Credentials: { ...good.Credentials, SessionToken: '' } },
    { ...good, Credentials: { ...good.Credentials, Expiration: new Date(NOW - 1) } },
    { ...good, Credentials: { ...good.Credentials, Expiration: undefined } },
  ];
  for (const out of broken) t.throws(() => checkAssumeRole(out, ctx, NOW), { code: 'UpstreamError', message: /chained profile spoke returned no usable credentials/ });
});

t.test('failures: AWS\'s name and message, a status that fits, the fix', async (t) => {
  const aws = (name: string, message: string, status: number) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
  const cases: Array<[Error, string, number, RegExp]> = [
    [aws('AccessDenied', 'User: x is not authorized', 403), 'AssumeRoleDenied', 403, /failed: AccessDenied: User: x is not authorized; the role must exist and trust the IAM Identity Center role Admin/],
    [aws('ValidationError', '1 validation error detected', 400), 'AssumeRoleInvalid', 400, /fix role_arn, role_session_name, external_id or duration_seconds .* of \[profile spoke\] in \/home\/me\/\.aws\/config/],
    [aws('RegionDisabledException', 'STS is not activated', 403), 'AssumeRoleInvalid', 400, /set region in \[profile spoke\]/],
    [aws('ExpiredToken', 'The security token included in the request is expired', 400), 'SourceCredentialsRejected', 409, /run `sso-agent login --session work`/],
    [aws('Throttling', 'Rate exceeded', 400), 'Throttled', 503, /STS is throttling/],
    [aws('ServiceUnavailable', 'down', 503), 'UpstreamError', 502, /try again shortly/],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'UpstreamError', 502, /AWS_ENDPOINT_URL_STS/],
  ];
  for (const [err, code, status, message] of cases) {
    const mapped = mapAssumeRoleError(err, ctx);
    t.equal(mapped.code, code, err.name);
    t.equal(mapped.status, status, err.name);
    t.match(mapped.message, message, err.name);
  }
  const login = new LoginRequiredError('work');
  t.equal(mapAssumeRoleError(login, ctx), login, 'the agent\'s own errors (the source needs a login) pass through');
  const typo = mapAssumeRoleError(aws('AccessDenied', 'no', 403), { ...ctx, def: { ...ctx.def, roleArn: 'arn:aws:iam:222222222222:role/Deploy' } });
  t.match(typo.message, /role_arn is not of the form arn:aws:iam::ACCOUNT_ID:role\/NAME/);
  t.ok(isSourceRejected(aws('InvalidClientTokenId', 'x', 403)));
  t.notOk(isSourceRejected(aws('AccessDenied', 'x', 403)));
});
