"""One GET as an SDK makes it, printing {"status", "body"}. Usage: http_get.py URL [TOKEN] [HOST].
TOKEN goes in Authorization as is (an empty string sends none); HOST overrides the Host header."""
import http.client
import json
import sys
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
token = sys.argv[2] if len(sys.argv) > 2 else ""
host = sys.argv[3] if len(sys.argv) > 3 else None
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
conn.putrequest("GET", url.path, skip_host=host is not None)
if host is not None:
    conn.putheader("Host", host)
if token:
    conn.putheader("Authorization", token)
conn.endheaders()
r = conn.getresponse()
print(json.dumps({"status": r.status, "body": r.read().decode()}))
