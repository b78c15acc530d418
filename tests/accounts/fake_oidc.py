"""A small OpenID Connect provider on 127.0.0.1, for the single sign-on tests (no internet).

It does what Entra ID or any provider does in the code flow, and checks what they check: the
authorization request, then the token request (client secret, one-time code, redirect URI,
PKCE), an ID token signed with RS256 under a key published at /jwks, and /userinfo for the
access token. Who "logs in" at the provider is whatever the test puts in `identity`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "samling-test-client"
CLIENT_SECRET = "samling-test-secret"
KEY_ID = "test-key-1"


@dataclass
class FakeProvider:
    url: str = ""
    identity: dict = field(default_factory=dict)
    # What the next ID token says differently from the truth (a token for another client…).
    id_token_overrides: dict = field(default_factory=dict)
    codes: dict = field(default_factory=dict)
    access_tokens: dict = field(default_factory=dict)
    token_requests: int = 0
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def settings(self) -> dict:
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.url + "/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": self.url + "/token",
            "OIDC_OP_USER_ENDPOINT": self.url + "/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": self.url + "/jwks",
            "OIDC_ISSUER": self.url,
            "OIDC_PROVIDER_NAME": "Testkommune ID",
            "OIDC_REQUIRE_EMAIL_VERIFIED": True,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid email profile",
            "OIDC_USE_PKCE": True,
            "OIDC_TIMEOUT": 5,
            "LOGIN_REDIRECT_URL_FAILURE": "/accounts/login/",
        }

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict) -> str:
        """The user signs in at the provider: the redirect back to the app, with a code."""
        assert query["response_type"] == "code"
        assert query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "challenge": query["code_challenge"],
            "identity": dict(self.identity),
        }
        return query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})

    def token(self, form: dict) -> tuple[int, dict]:
        self.token_requests += 1
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if challenge.rstrip(b"=").decode() != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        identity = grant["identity"]
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": identity["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **self.id_token_overrides,
        }
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = identity
        return 200, {"access_token": access_token, "id_token": id_token, "token_type": "Bearer"}

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        token = authorization.removeprefix("Bearer ")
        if token not in self.access_tokens:
            return 401, {"error": "invalid_token"}
        return 200, self.access_tokens[token]


def serve(provider: FakeProvider) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.end_headers()
            elif url.path == "/jwks":
                self._answer(200, provider.jwks())
            elif url.path == "/userinfo":
                self._answer(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._answer(404, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlparse(self.path).path == "/token":
                self._answer(*provider.token(form))
            else:
                self._answer(404, {})

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-oidc", daemon=True
    ).start()
    return server
