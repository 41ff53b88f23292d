"""Signs STS GetCallerIdentity with botocore's default chain once a second until the credentials it
resolves have changed (a renewal reached this process), then prints {"method", "arns", "keys"}.
Exit 1 with what it saw if no renewal came within DEADLINE seconds.
Usage: renewing_caller.py ENDPOINT_URL REGION DEADLINE."""
import json
import sys
import time

import botocore.session
from botocore.config import Config

url, region, deadline = sys.argv[1], sys.argv[2], time.monotonic() + float(sys.argv[3])
session = botocore.session.Session()
creds = session.get_credentials()
sts = session.create_client("sts", region_name=region, endpoint_url=url, config=Config(retries={"total_max_attempts": 1}))
keys, arns = [], []
while True:
    frozen = creds.get_frozen_credentials()
    arns.append(sts.get_caller_identity()["Arn"])
    if frozen.access_key not in keys:
        keys.append(frozen.access_key)
    if len(keys) >= 2 or time.monotonic() > deadline:
        break
    time.sleep(1)
print(json.dumps({"method": creds.method, "arns": sorted(set(arns)), "keys": len(keys)}))
sys.exit(0 if len(keys) >= 2 else 1)
