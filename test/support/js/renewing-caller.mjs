// The JS SDK v3 inside a "container": signs STS GetCallerIdentity with a credential provider once a
// second until the credentials change (a renewal), then prints {"arns", "keys"}; exit 1 on timeout.
// Usage: node renewing-caller.mjs chain|http ENDPOINT_URL REGION DEADLINE_SECONDS
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromHttp, fromNodeProviderChain } from '@aws-sdk/credential-providers';

const [mode, endpoint, region, seconds] = process.argv.slice(2);
const provider = mode === 'http' ? fromHttp({}) : fromNodeProviderChain();
const deadline = Date.now() + Number(seconds) * 1000;
const keys = new Set();
const arns = new Set();
try {
  for (;;) {
    const creds = await provider();
    keys.add(creds.accessKeyId);
    const sts = new STSClient({ region, endpoint, credentials: provider, maxAttempts: 1 });
    arns.add((await sts.send(new GetCallerIdentityCommand({}))).Arn);
    sts.destroy();
    if (keys.size >= 2 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
} catch (err) {
  console.log(JSON.stringify({ error: `${err.name}: ${err.message}`, Code: err.Code }));
  process.exit(1);
}
console.log(JSON.stringify({ arns: [...arns], keys: keys.size }));
process.exit(keys.size >= 2 ? 0 : 1);
