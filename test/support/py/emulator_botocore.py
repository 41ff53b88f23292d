"""Drives the emulator with botocore/boto3 (clients nobody here wrote) and prints one JSON object
per check: {"check": name, "ok": bool, "detail": ...}. Usage: emulator_botocore.py URL START_URL REGION.
If the emulator disagrees with botocore, the emulator is wrong."""
import datetime
import hashlib
import json
import os
import sys
import time
import traceback

import boto3
import botocore
from botocore import UNSIGNED
from botocore.config import Config
from emulator_control import make_control

URL, START_URL, REGION = sys.argv[1], sys.argv[2], sys.argv[3]
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Exactly one attempt per call, so counts and error classes are what the emulator sent.
CFG = Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}, region_name=REGION)
session = boto3.session.Session()
oidc = session.client("sso-oidc", endpoint_url=URL, config=CFG)
sso = session.client("sso", endpoint_url=URL, config=CFG)
failed = False


def report(name, ok, detail=None):
    global failed
    failed = failed or not ok
    print(json.dumps({"check": name, "ok": bool(ok), "detail": detail}, default=str), flush=True)


control = make_control(URL)


def expect_error(name, fn, modelled_class, code=None, status=None):
    """The call must raise the modelled exception class (or, for unmodelled errors, a ClientError with that code)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we report whatever came back
        if modelled_class is not None and not isinstance(e, modelled_class):
            report(name, False, "got %s: %s" % (type(e).__name__, e))
            return None
        if not isinstance(e, botocore.exceptions.ClientError):
            report(name, False, "not a ClientError: %r" % e)
            return None
        err = e.response["Error"]
        meta = e.response["ResponseMetadata"]
        ok = (code is None or err.get("Code") == code) and (status is None or meta.get("HTTPStatusCode") == status)
        report(name, ok, {"code": err.get("Code"), "message": err.get("Message"), "status": meta.get("HTTPStatusCode")})
        return e
    report(name, False, "the call succeeded")
    return None


def run(name, fn):
    try:
        fn()
    except Exception:  # noqa: BLE001
        report(name, False, traceback.format_exc())


def device_flow():
    reg = oidc.register_client(clientName="botocore-client-test", clientType="public")
    now = time.time()
    report("register_client: epoch-second ints", isinstance(reg["clientIdIssuedAt"], int)
           and abs(reg["clientIdIssuedAt"] - now) < 60 and reg["clientSecretExpiresAt"] > now + 80 * 86400
           and reg["clientSecretExpiresAt"] < 1e11, reg["clientSecretExpiresAt"])
    dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)
    report("start_device_authorization fields", dev["expiresIn"] == 600 and dev["interval"] == 1
           and dev["verificationUriComplete"] == URL + "/device?user_code=" + dev["userCode"], dev)

    def poll():
        return oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType=DEVICE_GRANT,
                                 deviceCode=dev["deviceCode"])

    e = expect_error("create_token pending", poll, oidc.exceptions.AuthorizationPendingException,
                     "AuthorizationPendingException", 400)
    if e is not None:
        report("oauth error members exposed", e.response.get("error") == "authorization_pending"
               and e.response["Error"].get("Message") == e.response.get("error_description"), e.response.get("error"))
    expect_error("create_token polled too fast", poll, oidc.exceptions.SlowDownException, "SlowDownException", 400)
    control("approve", {"userCode": dev["userCode"]})
    tok = poll()
    report("device token: legacy 8 h, no refresh token", tok["tokenType"] == "Bearer" and tok["expiresIn"] == 28800
           and "refreshToken" not in tok, {k: tok[k] for k in tok if k in ("tokenType", "expiresIn")})
    expect_error("device code is single use", poll, oidc.exceptions.InvalidGrantException, "InvalidGrantException", 400)
    expect_error("wrong client secret", lambda: oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret="wrong", startUrl=START_URL),
        oidc.exceptions.InvalidClientException, "InvalidClientException", 401)

    denied = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)
    control("deny", {"userCode": denied["userCode"]})
    expect_error("denied", lambda: oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                                     grantType=DEVICE_GRANT, deviceCode=denied["deviceCode"]),
                 oidc.exceptions.AccessDeniedException, "AccessDeniedException", 400)
    late = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)
    control("expire", {"what": "deviceCodes"})
    expect_error("device code expired", lambda: oidc.create_token(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType=DEVICE_GRANT, deviceCode=late["deviceCode"]),
        oidc.exceptions.ExpiredTokenException, "ExpiredTokenException", 400)
    return tok["accessToken"]


def refresh_flow():
    reg = oidc.register_client(clientName="botocore-client-refresh", clientType="public", scopes=["sso:account:access"])
    dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL)
    control("approve", {"userCode": dev["userCode"]})
    tok = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType=DEVICE_GRANT,
                            deviceCode=dev["deviceCode"])
    report("scoped token: 1 h and a refresh token", tok["expiresIn"] == 3600 and "refreshToken" in tok)
    new = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType="refresh_token",
                            refreshToken=tok["refreshToken"])
    report("refresh: new access and refresh token", new["accessToken"] != tok["accessToken"]
           and new.get("refreshToken") not in (None, tok["refreshToken"]))
    expect_error("rotated refresh token rejected", lambda: oidc.create_token(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType="refresh_token",
        refreshToken=tok["refreshToken"]), oidc.exceptions.InvalidGrantException, "InvalidGrantException", 400)
    sso_provider(reg, new)


def iso(epoch_seconds):
    return datetime.datetime.fromtimestamp(epoch_seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sso_provider(reg, tok):
    """botocore's own SSO credential provider, as `aws sso login` would leave things: a token about to
    expire in ~/.aws/sso/cache, so botocore refreshes it (CreateToken refresh_token grant) and then
    calls GetRoleCredentials and STS, all through the AWS_ENDPOINT_URL_* overrides."""
    org = control("org")
    acct = org["accounts"][-1]
    home = os.path.expanduser("~")
    config = os.path.join(home, "sso-config")
    with open(config, "w") as f:
        f.write("[profile emu]\nsso_session = emu\nsso_account_id = %s\nsso_role_name = %s\nregion = %s\n\n"
                "[sso-session emu]\nsso_start_url = %s\nsso_region = %s\nsso_registration_scopes = sso:account:access\n"
                % (acct["accountId"], acct["roles"][-1], REGION, START_URL, REGION))
    cache_dir = os.path.join(home, ".aws", "sso", "cache")
    os.makedirs(cache_dir, exist_ok=True)
    cache_file = os.path.join(cache_dir, hashlib.sha1(b"emu").hexdigest() + ".json")
    with open(cache_file, "w") as f:
        json.dump({"startUrl": START_URL, "region": REGION, "accessToken": tok["accessToken"],
                   "expiresAt": iso(time.time() + 300), "clientId": reg["clientId"],
                   "clientSecret": reg["clientSecret"], "registrationExpiresAt": iso(reg["clientSecretExpiresAt"]),
                   "refreshToken": tok["refreshToken"]}, f)
    before = control("stats")["calls"].get("CreateToken", 0)
    env = {"AWS_CONFIG_FILE": config, "AWS_ENDPOINT_URL_SSO_OIDC": URL, "AWS_ENDPOINT_URL_SSO": URL,
           "AWS_ENDPOINT_URL_STS": URL}
    os.environ.update(env)
    try:
        s = boto3.session.Session(profile_name="emu")
        ident = s.client("sts", config=Config(retries={"total_max_attempts": 1})).get_caller_identity()
    finally:
        for k in env:
            del os.environ[k]
    with open(cache_file) as f:
        cached = json.load(f)
    report("botocore SSO provider: refreshed token, role credentials, STS",
           ident["Account"] == acct["accountId"]
           and ("AWSReservedSSO_%s_" % acct["roles"][-1]) in ident["Arn"]
           and control("stats")["calls"].get("CreateToken", 0) == before + 1
           and cached["accessToken"] != tok["accessToken"] and cached.get("refreshToken") not in (None, tok["refreshToken"]),
           {"arn": ident["Arn"], "cacheKeys": sorted(cached)})


def portal(token):
    org = control("org")
    pages = list(sso.get_paginator("list_accounts").paginate(accessToken=token, PaginationConfig={"PageSize": 2}))
    accounts = [a for p in pages for a in p["accountList"]]
    report("list_accounts paginated with maxResults=2", len(pages) == (len(org["accounts"]) + 1) // 2
           and [a["accountId"] for a in accounts] == [a["accountId"] for a in org["accounts"]]
           and all(len(p["accountList"]) <= 2 for p in pages), [len(p["accountList"]) for p in pages])
    first = org["accounts"][0]
    roles = [r for p in sso.get_paginator("list_account_roles").paginate(
        accessToken=token, accountId=first["accountId"], PaginationConfig={"PageSize": 1}) for r in p["roleList"]]
    report("list_account_roles paginated", [r["roleName"] for r in roles] == first["roles"], roles)
    odd = next((r for a in org["accounts"] for r in a["roles"] if any(c in r for c in "+=,.@")), None)
    acct = next(a for a in org["accounts"] if odd in a["roles"])
    creds = sso.get_role_credentials(accessToken=token, accountId=acct["accountId"], roleName=odd)["roleCredentials"]
    now_ms = time.time() * 1000
    report("get_role_credentials: expiration epoch ms int", isinstance(creds["expiration"], int)
           and abs(creds["expiration"] - (now_ms + 3600_000)) < 60_000 and creds["accessKeyId"].startswith("ASIA")
           and len(creds["accessKeyId"]) == 20, creds["expiration"])
    expect_error("unassigned role: unmodelled ForbiddenException", lambda: sso.get_role_credentials(
        accessToken=token, accountId=acct["accountId"], roleName="NotAssigned"), None, "ForbiddenException", 403)
    expect_error("unknown account: ResourceNotFoundException", lambda: sso.list_account_roles(
        accessToken=token, accountId="999999999999"), sso.exceptions.ResourceNotFoundException,
        "ResourceNotFoundException", 404)
    expect_error("bad token: UnauthorizedException", lambda: sso.list_accounts(accessToken="nope"),
                 sso.exceptions.UnauthorizedException, "UnauthorizedException", 401)

    # STS with the role credentials: the emulator recomputes botocore's SigV4 signature.
    def sts(secret):
        return session.client("sts", endpoint_url=URL, region_name=REGION, aws_access_key_id=creds["accessKeyId"],
                              aws_secret_access_key=secret, aws_session_token=creds["sessionToken"],
                              config=Config(retries={"total_max_attempts": 1}))
    ident = sts(creds["secretAccessKey"]).get_caller_identity()
    report("sts right secret: assumed-role ARN", ident["Account"] == acct["accountId"] and ident["Arn"].startswith(
        "arn:aws:sts::%s:assumed-role/AWSReservedSSO_%s_" % (acct["accountId"], odd)), ident["Arn"])
    wrong = sts(creds["secretAccessKey"][:-1] + ("A" if creds["secretAccessKey"][-1] != "A" else "B"))
    expect_error("sts wrong secret: SignatureDoesNotMatch", wrong.get_caller_identity, None, "SignatureDoesNotMatch", 403)

    # Throttling: a scripted 429, then the rate limit itself.
    control("faults", {"failNext": {"ListAccounts": {"count": 1, "status": 429}}})
    expect_error("scripted 429: TooManyRequestsException", lambda: sso.list_accounts(accessToken=token),
                 sso.exceptions.TooManyRequestsException, "TooManyRequestsException", 429)
    control("faults", {"rateLimit": 1})
    try:
        sso.list_accounts(accessToken=token)
        expect_error("rate limit: TooManyRequestsException", lambda: sso.list_accounts(accessToken=token),
                     sso.exceptions.TooManyRequestsException, "TooManyRequestsException", 429)
    finally:
        control("faults", {"rateLimit": 0})

    sso.logout(accessToken=token)
    expect_error("after logout the token is dead", lambda: sso.list_accounts(accessToken=token),
                 sso.exceptions.UnauthorizedException, "UnauthorizedException", 401)


def main():
    run("device flow", lambda: portal_after(device_flow()))
    run("refresh flow", refresh_flow)
    print(json.dumps({"done": True, "failed": failed}), flush=True)
    return 1 if failed else 0


def portal_after(token):
    portal(token)


if __name__ == "__main__":
    sys.exit(main())
