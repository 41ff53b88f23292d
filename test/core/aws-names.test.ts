import t from 'tap';
import { isRegion, parseRoleArn, partitionOf } from '../../src/core/aws-names.js';

t.test('the partition of a region comes from the SDK\'s partition data', async (t) => {
  const cases: Array<[string, string]> = [
    ['us-east-1', 'aws'], ['eu-west-1', 'aws'], ['ap-southeast-2', 'aws'], ['mx-central-1', 'aws'],
    ['us-gov-west-1', 'aws-us-gov'], ['us-gov-east-1', 'aws-us-gov'],
    ['cn-north-1', 'aws-cn'], ['cn-northwest-1', 'aws-cn'],
    ['us-iso-east-1', 'aws-iso'], ['us-isob-east-1', 'aws-iso-b'], ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'], ['eusc-de-east-1', 'aws-eusc'],
  ];
  for (const [region, partition] of cases) t.equal(partitionOf(region), partition, region);
  t.equal(partitionOf('not-a-region'), 'aws', 'anything else is the commercial partition, as the SDK decides');
});

t.test('one region check for every partition\'s names', async (t) => {
  for (const r of ['us-east-1', 'eu-west-1', 'us-gov-west-1', 'cn-north-1', 'us-isob-east-1', 'eusc-de-east-1', 'ap-southeast-10']) t.ok(isRegion(r), r);
  for (const r of ['', 'EU-WEST-1', 'eu-west', 'euwest1', 'eu-west-1 ', 'eu_west_1', 'https://eu-west-1', 'e-west-1', 'eu-west-123']) t.notOk(isRegion(r), JSON.stringify(r));
});

t.test('role ARNs: partition, account and name, the path dropped', async (t) => {
  const accepted: Array<[string, { partition: string; accountId: string; roleName: string }]> = [
    ['arn:aws:iam::123456789012:role/Deploy', { partition: 'aws', accountId: '123456789012', roleName: 'Deploy' }],
    ['arn:aws:iam::123456789012:role/team/ci/Deploy+1', { partition: 'aws', accountId: '123456789012', roleName: 'Deploy+1' }],
    ['arn:aws-us-gov:iam::123456789012:role/D', { partition: 'aws-us-gov', accountId: '123456789012', roleName: 'D' }],
    ['arn:aws-iso-b:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A_0123456789abcdef',
      { partition: 'aws-iso-b', accountId: '123456789012', roleName: 'AWSReservedSSO_A_0123456789abcdef' }],
  ];
  for (const [arn, want] of accepted) t.same(parseRoleArn(arn), want, arn);
  for (const bad of ['arn:aws:iam:123456789012:role/Deploy', 'arn:aws:iam::12345:role/D', 'arn:aws:iam::123456789012:user/D',
    'arn:aws:iam::123456789012:role/', 'arn:aws:iam::123456789012:role/a b', 'arn:Aws:iam::123456789012:role/D', 'Deploy', '']) {
    t.equal(parseRoleArn(bad), undefined, bad);
  }
});
