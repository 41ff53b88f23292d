import t from 'tap';
import { roleRefOfArn } from '../../src/store/role-arn.js';

t.test('the role ARNs IAM Identity Center creates, with and without a region segment', async (t) => {
  const accepted: Array<[string, { partition: string; accountId: string; roleName: string }]> = [
    ['arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_2f24367c24ca1a37',
      { partition: 'aws', accountId: '123456789012', roleName: 'AdministratorAccess' }],
    ['arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_0123456789abcdef',
      { partition: 'aws', accountId: '123456789012', roleName: 'ReadOnly' }],
    ['arn:aws-us-gov:iam::123456789012:role/aws-reserved/sso.amazonaws.com/us-gov-west-1/AWSReservedSSO_Data_Eng_0123456789abcdef',
      { partition: 'aws-us-gov', accountId: '123456789012', roleName: 'Data_Eng' }],
    ['arn:aws-cn:iam::123456789012:role/aws-reserved/sso.amazonaws.com/cn-north-1/AWSReservedSSO_a+b=c,d.e@f-g_0123456789abcdef',
      { partition: 'aws-cn', accountId: '123456789012', roleName: 'a+b=c,d.e@f-g' }],
    // Earlier versions of the agent printed this invented form; configs that use it keep working.
    ['arn:aws:iam::123456789012:role/Admin', { partition: 'aws', accountId: '123456789012', roleName: 'Admin' }],
  ];
  for (const [arn, want] of accepted) t.same(roleRefOfArn(arn), want, arn);
  const rejected = [
    'arn:aws:iam::12345678901:role/Admin', // 11 digits
    'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_2f24367c24ca1a37/me', // a session, not the role
    'arn:aws:iam::123456789012:user/Admin',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:iam::123456789012:role/a b',
    'arn:Aws:iam::123456789012:role/Admin',
    '123456789012:Admin',
    'prod-admin',
  ];
  for (const ref of rejected) t.equal(roleRefOfArn(ref), undefined, ref);
});
