"""Signs one STS GetCallerIdentity with boto3's default credential chain and prints
{"method": ..., "arn": ...}, or {"error": ...} with exit 1. Usage: sts_caller.py ENDPOINT_URL REGION."""
import json
import sys

import boto3
from botocore.config import Config

url, region = sys.argv[1], sys.argv[2]
try:
    session = boto3.session.Session()
    creds = session.get_credentials()
    sts = session.client("sts", region_name=region, endpoint_url=url, config=Config(retries={"total_max_attempts": 1}))
    arn = sts.get_caller_identity()["Arn"]
    print(json.dumps({"method": creds.method, "arn": arn}))
except Exception as e:  # the test reads the message
    print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
    sys.exit(1)
