"""The emulator's /_emulator/* control routes, for the botocore scripts beside this file."""
import json
import urllib.request


def make_control(url):
    """control(path) GETs, control(path, body) POSTs JSON; both return the parsed answer."""
    def control(path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url + "/_emulator/" + path, data=data, method="GET" if body is None else "POST")
        if data is not None:
            req.add_header("content-type", "application/json")
        with urllib.request.urlopen(req) as res:
            return json.loads(res.read())
    return control
