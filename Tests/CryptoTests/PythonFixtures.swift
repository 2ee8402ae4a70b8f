import ConformanceCrypto

/// Values produced once by Python's `cryptography` package and hashlib, implementations
/// independent of this module's OpenSSL calls and of its Swift HChaCha20. They pin behaviour
/// the RFCs have no example for (PS256, Better Auth's key storage and password hashes).
///
/// Regenerate with this script (Python 3.11, cryptography 48) and paste its output below:
///
/// ```python
/// import base64, hashlib, json, os, struct, unicodedata
/// from cryptography.hazmat.primitives import hashes, serialization
/// from cryptography.hazmat.primitives.asymmetric import rsa, padding, ed25519
/// from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
///
/// def b64u(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
/// def uint(i): return i.to_bytes((i.bit_length() + 7) // 8, "big")
///
/// def hchacha20(key, nonce16):  # draft-irtf-cfrg-xchacha §2.2 by hand; cryptography has none
///     def rotl(v, c): return ((v << c) | (v >> (32 - c))) & 0xffffffff
///     def qr(s, a, b, c, d):
///         s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 16)
///         s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 12)
///         s[a] = (s[a] + s[b]) & 0xffffffff; s[d] = rotl(s[d] ^ s[a], 8)
///         s[c] = (s[c] + s[d]) & 0xffffffff; s[b] = rotl(s[b] ^ s[c], 7)
///     s = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]
///     s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
///     for _ in range(10):
///         qr(s, 0, 4, 8, 12); qr(s, 1, 5, 9, 13); qr(s, 2, 6, 10, 14); qr(s, 3, 7, 11, 15)
///         qr(s, 0, 5, 10, 15); qr(s, 1, 6, 11, 12); qr(s, 2, 7, 8, 13); qr(s, 3, 4, 9, 14)
///     return struct.pack("<8I", *(s[0:4] + s[12:16]))
///
/// def xchacha_seal(key, nonce24, plaintext, aad=None):
///     return ChaCha20Poly1305(hchacha20(key, nonce24[:16])).encrypt(b"\0" * 4 + nonce24[16:], plaintext, aad)
///
/// # The hand-written HChaCha20 first reproduces the draft's own vector (§2.2.1).
/// assert hchacha20(bytes(range(32)), bytes.fromhex("000000090000004a0000000031415927")).hex() == \
///     "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"
///
/// rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
/// nums = rsa_key.private_numbers()
/// ps_input = b64u(b'{"alg":"PS256","kid":"ps-fixture"}') + "." + b64u(b'{"sub":"fixture-user","iat":1700000000}')
/// ps_sig = rsa_key.sign(ps_input.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
/// pem = lambda k: k.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
/// print("ps256", b64u(uint(nums.public_numbers.n)), b64u(uint(nums.d)), ps_input, b64u(ps_sig), pem(rsa_key.public_key()))
///
/// secret = "fixture-better-auth-secret-0123456789abcdef"
/// ed = ed25519.Ed25519PrivateKey.generate()
/// raw_d = ed.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
/// raw_x = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
/// private_jwk = json.dumps({"crv": "Ed25519", "d": b64u(raw_d), "x": b64u(raw_x), "kty": "OKP"}, separators=(",", ":"))
/// nonce = os.urandom(24)
/// sealed = xchacha_seal(hashlib.sha256(secret.encode()).digest(), nonce, private_jwk.encode())
/// jwt_input = b64u(b'{"alg":"EdDSA","kid":"ba-fixture"}') + "." + b64u(b'{"sub":"user-a","iss":"http://127.0.0.1:3000",'
///     b'"aud":"http://127.0.0.1:3000","iat":1700000000,"exp":1700000900}')
/// print("betterAuth", json.dumps((nonce + sealed).hex()), private_jwk, jwt_input, b64u(ed.sign(jwt_input.encode())), pem(ed.public_key()))
///
/// password = "correct horse battery staple"
/// salt_hex = os.urandom(16).hex()
/// key = hashlib.scrypt(unicodedata.normalize("NFKC", password).encode(), salt=salt_hex.encode(),
///                      n=16384, r=16, p=1, maxmem=64 * 1024 * 1024, dklen=64)
/// print("passwordHash", salt_hex + ":" + key.hex())
/// ```
enum PythonFixtures {
    enum PS256 {
        static let n = "uTO3jZsuyBiCjMeFfm2YiVBB6fnkLB0sfshs-RiHZ_yOKW4fiHnrW941HKFy0sLJlw_L1J__rnZVi7ZjWexwQRTf0Dw-kYi_28gKz186bZ-JU4puDm9CWzBJymVhjlg7163TENHG6PYY28_7RIX5T5m4FaiK0qv5dKJr3_p4ViS-orP6Mv1JkVqbTUIrroYFLWiOYeXWeKJeax-f7E3RFssHcXlS0SC5uACR1timWIKejgPsDFDoTLXmx1qKcWUx6oZAWWWHKJGGYAXOj85zMgq_dHuPW7wuxGOU0Nt1dBOMulF2g4oF5_-GK2Xpnvzc6isrwAtw_mnT_GhA4--5NQ"
        static let e = "AQAB"
        static let d = "H2EyJVnpGgm_GvvWdFa8_O0ekfafkNLrnlq2zhj4HmgmLUJlsOHZfVIf5Sc81ZWgAwqv4mmusICH25mOaWbcmUZgar--aTnGqkZRgJP1yiu5ILDIl4UF9P3wTs0RM8Vi9FcVN1kX7xJ9oUby38gkdzaIQJEzXmE5ree0R_nAKHYc91N2XsEWrtGCZ0CFMdPxAirfKWnEtEwyRTxoTO3fPhuZ6z6vYvDul1pMGpYQc0oqUzqR10dBFiA9V4Y5VC5tl2WlujRjiQLwDj7cPq4qvuap5f621bouTDCJpDD4vPi4DbVoSIXqzJLSDlP0XrPAbUTxaTmgnTvIeqKJW0sQMQ"
        static let signingInput = "eyJhbGciOiJQUzI1NiIsImtpZCI6InBzLWZpeHR1cmUifQ.eyJzdWIiOiJmaXh0dXJlLXVzZXIiLCJpYXQiOjE3MDAwMDAwMDB9"
        static let signature = "kema4vTvnWB1rx37LZhp67-wk7vQx2twVS9fn_CPn7l_n7zR9HFvY_WRt3ToZbHQT_gykUOhyywXmbPlYs1zzA6zROThxmv9VH4-ohwIMyy_oclbLTWRXX8gfZhN9I2iLDYgrY8_knF5YenbGNiBKan0uR8RKjWEONvJk5u4FtnLe6CrT1evSSjfsI1xumwOV-Ivbe39i6Vd1R7zaihOmGkQ_FWZHcRqg_fXsIn4rExYjToSQhNYuQqwEFCIPP0PNbVCe4rxcZDjh6rudTmRdDoEBP1pJYWCyjJaaZCWnP01CDXcxhbnNxzRic-J1X4CEZ8ryM0LQWQdf9IScnuJXw"
        static let spkiPEM = """
            -----BEGIN PUBLIC KEY-----
            MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuTO3jZsuyBiCjMeFfm2Y
            iVBB6fnkLB0sfshs+RiHZ/yOKW4fiHnrW941HKFy0sLJlw/L1J//rnZVi7ZjWexw
            QRTf0Dw+kYi/28gKz186bZ+JU4puDm9CWzBJymVhjlg7163TENHG6PYY28/7RIX5
            T5m4FaiK0qv5dKJr3/p4ViS+orP6Mv1JkVqbTUIrroYFLWiOYeXWeKJeax+f7E3R
            FssHcXlS0SC5uACR1timWIKejgPsDFDoTLXmx1qKcWUx6oZAWWWHKJGGYAXOj85z
            Mgq/dHuPW7wuxGOU0Nt1dBOMulF2g4oF5/+GK2Xpnvzc6isrwAtw/mnT/GhA4++5
            NQIDAQAB
            -----END PUBLIC KEY-----

            """
        static let publicJWK = JWK(kty: "RSA", n: n, e: e)
        static let privateJWK = JWK(kty: "RSA", n: n, e: e, d: d)
    }

    /// A `jwks` row as Better Auth writes it: `privateKey` is a JSON string literal holding
    /// hex(nonce || XChaCha20-Poly1305(SHA-256(secret), private JWK JSON) || tag).
    enum BetterAuthKey {
        static let secret = "fixture-better-auth-secret-0123456789abcdef"
        static let privateKeyColumn = #""d4142a5474605cef89a311ba596ea9c88c52e8680d595ede5eaaafa2813276988423d28514c9baec5b5fe9e251cc4b32c63115d292cf99413a41a73d2675e5f076ea49b696b5f0582241ea5062142f4e75ce3eb001a5afc09a0c1a788ace1074db3457956fa8f41e0118d7d947e7bb92bb858b89fcf0f47f9c2a41400df7627de3fb9dff59a8b85f9f7793d4bdb9bc443ff19a4b1a6e1245610cdf87cff5fa9fd17468769298d0fe64""#
        static let privateJWKJSON = #"{"crv":"Ed25519","d":"-oUK8jNSyn29ZaT3FFmY3VkHQUiD6F4KshTc9k6Xs0s","x":"0iWVtxsdx1C1YNi6Tus4ZT30num89qsqqyxTd4ltLzU","kty":"OKP"}"#
        static let x = "0iWVtxsdx1C1YNi6Tus4ZT30num89qsqqyxTd4ltLzU"
        static let d = "-oUK8jNSyn29ZaT3FFmY3VkHQUiD6F4KshTc9k6Xs0s"
        /// A token signed by that key, shaped like Better Auth's (header alg + kid, iss/aud/exp).
        static let jwtSigningInput = "eyJhbGciOiJFZERTQSIsImtpZCI6ImJhLWZpeHR1cmUifQ.eyJzdWIiOiJ1c2VyLWEiLCJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjMwMDAiLCJhdWQiOiJodHRwOi8vMTI3LjAuMC4xOjMwMDAiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMDkwMH0"
        static let jwtSignature = "yQwtlARYXmKmvgD3SLG7oLjwg4gGAyNERsdeooO5P_62dWFOJCpTVorO3GG75T46F_HoHv8aSqZWmg1R21T3Ag"
        static let spkiPEM = """
            -----BEGIN PUBLIC KEY-----
            MCowBQYDK2VwAyEA0iWVtxsdx1C1YNi6Tus4ZT30num89qsqqyxTd4ltLzU=
            -----END PUBLIC KEY-----

            """
        static let publicJWK = JWK(kty: "OKP", crv: "Ed25519", x: x, kid: "ba-fixture", alg: "EdDSA")
    }

    /// A Better Auth `account.password` value: `<salt hex>:<scrypt key hex>`.
    enum PasswordHash {
        static let password = "correct horse battery staple"
        static let hash = "6aede25287d7a45fc5d13254f464ff7d:962ba61fef5b5500c74de3dba2f82f0b682544e0eaf7e2d28bf61bc5b92161ea750677b7e13d32025e81550a14df04119d6a3317239a3dd40d2e008685aa261b"
    }
}
