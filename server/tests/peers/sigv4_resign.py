"""Re-signs a captured request with botocore's SigV4Auth and prints the signature.

Input (stdin, JSON): method, url, headers [[name, value], ...], body_b64, access_key,
secret_key, region, service. The signing time is the request's own X-Amz-Date (botocore reads
it from request.context["timestamp"]), and only the headers the request says it signed
(SignedHeaders in its Authorization) are given to botocore, as an AWS verifier does."""

import base64
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    captured = json.load(sys.stdin)
    headers = {name.lower(): value for name, value in captured["headers"]}
    authorization = headers["authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    request = AWSRequest(
        method=captured["method"],
        url=captured["url"],
        data=base64.b64decode(captured["body_b64"]),
        headers={name: headers[name] for name in signed if name in headers},
    )
    request.context["timestamp"] = headers["x-amz-date"]
    auth = SigV4Auth(
        Credentials(captured["access_key"], captured["secret_key"]),
        captured["service"],
        captured["region"],
    )
    canonical = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical)
    print(json.dumps({
        "signature": auth.signature(string_to_sign, request),
        "signed_headers": auth.signed_headers(auth.headers_to_sign(request)),
    }))


if __name__ == "__main__":
    main()
