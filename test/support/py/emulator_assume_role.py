"""STS AssumeRole in the emulator, driven by botocore (a client nobody here wrote). Prints one JSON
object per check: {"check": name, "ok": bool, "detail": ...}, then {"done": true}.
Usage: emulator_assume_role.py URL START_URL REGION."""
import json
import sys
import traceback

import boto3
import botocore
from botocore import UNSIGNED
from botocore.config import Config
from emulator_control import make_control

URL, START_URL, REGION = sys.argv[1], sys.argv[2], sys.argv[3]
ONE = {"total_max_attempts": 1}
session = boto3.session.Session()
oidc = session.client("sso-oidc", endpoint_url=URL, config=Config(signature_version=UNSIGNED, retries=ONE, region_name=REGION))
sso = session.client("sso", endpoint_url=URL, config=Config(signature_version=UNSIGNED, retries=ONE, region_name=REGION))


def report(name, ok, detail=None):
    print(json.dumps({"check": name, "ok": bool(ok), "detail": detail}, default=str), flush=True)


control = make_control(URL)


def sts(c):
    return session.client("sts", endpoint_url=URL, region_name=REGION, config=Config(retries=ONE),
                          aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                          aws_session_token=c["SessionToken"])


def expect_error(name, fn, code, status, message=None):
    try:
        fn()
    except botocore.exceptions.ClientError as e:
        err, meta = e.response["Error"], e.response["ResponseMetadata"]
        ok = err.get("Code") == code and meta.get("HTTPStatusCode") == status and (message is None or err.get("Message") == message)
        report(name, ok, {"code": err.get("Code"), "message": err.get("Message"), "status": meta.get("HTTPStatusCode")})
        return
    except Exception as e:  # noqa: BLE001
        report(name, False, "not a ClientError: %r" % e)
        return
    report(name, False, "the call succeeded")


def portal_creds():
    reg = oidc.register_client(clientName="botocore-assume-role", clientType="public")
    dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)
    control("approve", {"userCode": dev["userCode"]})
    tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                            grantType="urn:ietf:params:oauth:grant-type:device_code", deviceCode=dev["deviceCode"])
    org = control("org")["accounts"]
    rc = sso.get_role_credentials(accessToken=tok["accessToken"], accountId=org[0]["accountId"], roleName=org[0]["roles"][0])["roleCredentials"]
    return {"AccessKeyId": rc["accessKeyId"], "SecretAccessKey": rc["secretAccessKey"], "SessionToken": rc["sessionToken"]}, org


def main():
    source, org = portal_creds()
    spoke = org[1]["accountId"]
    arn = "arn:aws:iam::%s:role/OrganizationAccountAccessRole" % spoke
    out = sts(source).assume_role(RoleArn=arn, RoleSessionName="boto-session", DurationSeconds=900)
    c = out["Credentials"]
    report("assume_role: assumed-role ARN and a datetime Expiration",
           out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::%s:assumed-role/OrganizationAccountAccessRole/boto-session" % spoke
           and hasattr(c["Expiration"], "tzinfo") and c["Expiration"].tzinfo is not None, out["AssumedRoleUser"])
    ident = sts(c).get_caller_identity()
    report("assumed credentials sign get_caller_identity",
           ident["Arn"] == out["AssumedRoleUser"]["Arn"] and ident["Account"] == spoke and ident["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"], ident)
    chained = sts(c).assume_role(RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % org[2]["accountId"], RoleSessionName="hop2")
    report("assume_role from assumed credentials", chained["AssumedRoleUser"]["Arn"].endswith(":assumed-role/OrganizationAccountAccessRole/hop2"), chained["AssumedRoleUser"])
    caller = sts(source).get_caller_identity()["Arn"]
    missing = "arn:aws:iam::%s:role/Missing" % spoke
    expect_error("missing role: AccessDenied 403", lambda: sts(source).assume_role(RoleArn=missing, RoleSessionName="s1"), "AccessDenied", 403,
                 "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (caller, missing))
    expect_error("chained duration: ValidationError 400", lambda: sts(source).assume_role(RoleArn=arn, RoleSessionName="s1", DurationSeconds=7200),
                 "ValidationError", 400, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
    expect_error("session name pattern: ValidationError 400", lambda: sts(source).assume_role(RoleArn=arn, RoleSessionName="a b"), "ValidationError", 400)
    control("expire", {"what": "credentials"})
    expect_error("expired caller: ExpiredToken 400", lambda: sts(c).assume_role(RoleArn=arn, RoleSessionName="s2"), "ExpiredToken", 400)


try:
    main()
except Exception:  # noqa: BLE001
    report("script", False, traceback.format_exc())
print(json.dumps({"done": True}), flush=True)
