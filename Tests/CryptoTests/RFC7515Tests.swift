import ConformanceCrypto
import Testing

/// RFC 7515 Appendix A: the HS256, RS256, ES256 and ES512 examples.
@Suite("RFC 7515 examples")
struct RFC7515Tests {
    /// The payload shared by A.1–A.3 (with its CRLFs, as the RFC prints the octets).
    static let claims = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"

    // MARK: A.1 HS256

    static let hs256Key = JWK(kty: "oct", k: "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
    static let hs256Input = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + claims
    static let hs256Signature = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    @Test("A.1: HS256 signs to the RFC's MAC and verifies it")
    func hs256() throws {
        let mac = try JWSSignature.sign(algorithm: .HS256, signingInput: utf8(Self.hs256Input), key: Self.hs256Key)
        #expect(Base64URL.encode(mac) == Self.hs256Signature)
        #expect(try JWSSignature.verify(algorithm: .HS256, signingInput: utf8(Self.hs256Input),
                                        signature: b64u(Self.hs256Signature), key: Self.hs256Key))
        // The raw-secret entry points agree with the JWK ones.
        let secret = try b64u(Self.hs256Key.k ?? "")
        #expect(JWSSignature.signHS256(signingInput: utf8(Self.hs256Input), secret: secret) == mac)
        #expect(JWSSignature.verifyHS256(signingInput: utf8(Self.hs256Input), signature: mac, secret: secret))
    }

    @Test("A.1: a tampered input, MAC or key does not verify")
    func hs256Tampered() throws {
        let input = utf8(Self.hs256Input)
        let mac = try b64u(Self.hs256Signature)
        #expect(try !JWSSignature.verify(algorithm: .HS256, signingInput: flipped(input, at: 0), signature: mac, key: Self.hs256Key))
        #expect(try !JWSSignature.verify(algorithm: .HS256, signingInput: input, signature: flipped(mac, at: 31), key: Self.hs256Key))
        #expect(try !JWSSignature.verify(algorithm: .HS256, signingInput: input, signature: Array(mac.prefix(16)), key: Self.hs256Key))
        #expect(!JWSSignature.verifyHS256(signingInput: input, signature: mac, secret: utf8("another secret")))
    }

    // MARK: A.2 RS256

    static let rsaN = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
    static let rsaD = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ"
    static let rsaPublic = JWK(kty: "RSA", n: rsaN, e: "AQAB")
    static let rsaPrivate = JWK(kty: "RSA", n: rsaN, e: "AQAB", d: rsaD)
    static let rs256Input = "eyJhbGciOiJSUzI1NiJ9." + claims
    static let rs256Signature = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"

    @Test("A.2: RS256 verifies, and signing with n, e, d reproduces the RFC's signature")
    func rs256() throws {
        #expect(Base64URL.encode(utf8(#"{"alg":"RS256"}"#)) == "eyJhbGciOiJSUzI1NiJ9")
        #expect(try JWSSignature.verify(algorithm: .RS256, signingInput: utf8(Self.rs256Input),
                                        signature: b64u(Self.rs256Signature), key: Self.rsaPublic))
        // PKCS #1 v1.5 is deterministic, so the signer is checked byte for byte too.
        let signature = try JWSSignature.sign(algorithm: .RS256, signingInput: utf8(Self.rs256Input), key: Self.rsaPrivate)
        #expect(Base64URL.encode(signature) == Self.rs256Signature)
    }

    @Test("A.2: a tampered input or signature does not verify; RS256 is not PS256")
    func rs256Tampered() throws {
        let input = utf8(Self.rs256Input)
        let signature = try b64u(Self.rs256Signature)
        #expect(try !JWSSignature.verify(algorithm: .RS256, signingInput: flipped(input, at: 10), signature: signature, key: Self.rsaPublic))
        #expect(try !JWSSignature.verify(algorithm: .RS256, signingInput: input, signature: flipped(signature, at: 100), key: Self.rsaPublic))
        #expect(try !JWSSignature.verify(algorithm: .RS256, signingInput: input, signature: Array(signature.dropLast()), key: Self.rsaPublic))
        #expect(try !JWSSignature.verify(algorithm: .PS256, signingInput: input, signature: signature, key: Self.rsaPublic))
    }

    // MARK: A.3 ES256

    static let p256Public = JWK(kty: "EC", crv: "P-256",
                                x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                                y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")
    static let p256Private = JWK(kty: "EC", crv: "P-256",
                                 x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                                 y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                                 d: "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI")
    static let es256Input = "eyJhbGciOiJFUzI1NiJ9." + claims
    static let es256Signature = "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

    @Test("A.3: ES256 verifies the RFC's raw r||s signature")
    func es256() throws {
        #expect(try JWSSignature.verify(algorithm: .ES256, signingInput: utf8(Self.es256Input),
                                        signature: b64u(Self.es256Signature), key: Self.p256Public))
    }

    @Test("A.3: a tampered input, r, s, or a DER-shaped signature does not verify")
    func es256Tampered() throws {
        let input = utf8(Self.es256Input)
        let signature = try b64u(Self.es256Signature)
        #expect(try !JWSSignature.verify(algorithm: .ES256, signingInput: flipped(input, at: 0), signature: signature, key: Self.p256Public))
        #expect(try !JWSSignature.verify(algorithm: .ES256, signingInput: input, signature: flipped(signature, at: 3), key: Self.p256Public))
        #expect(try !JWSSignature.verify(algorithm: .ES256, signingInput: input, signature: flipped(signature, at: 40), key: Self.p256Public))
        #expect(try !JWSSignature.verify(algorithm: .ES256, signingInput: input, signature: Array(signature.prefix(63)), key: Self.p256Public))
        #expect(try !JWSSignature.verify(algorithm: .ES256, signingInput: input, signature: [UInt8](repeating: 0, count: 64), key: Self.p256Public))
        // r and s swapped.
        #expect(try !JWSSignature.verify(algorithm: .ES256, signingInput: input,
                                         signature: Array(signature.suffix(32) + signature.prefix(32)), key: Self.p256Public))
    }

    @Test("A.3: ES256 signing with d yields raw 64-byte signatures that verify")
    func es256Sign() throws {
        let input = utf8(Self.es256Input)
        let first = try JWSSignature.sign(algorithm: .ES256, signingInput: input, key: Self.p256Private)
        let second = try JWSSignature.sign(algorithm: .ES256, signingInput: input, key: Self.p256Private)
        #expect(first.count == 64)
        #expect(first != second) // ECDSA is randomised
        #expect(try JWSSignature.verify(algorithm: .ES256, signingInput: input, signature: first, key: Self.p256Public))
        #expect(try JWSSignature.verify(algorithm: .ES256, signingInput: input, signature: second, key: Self.p256Public))
        // Signing needs only the scalar.
        let scalarOnly = JWK(kty: "EC", crv: "P-256", d: Self.p256Private.d)
        let third = try JWSSignature.sign(algorithm: .ES256, signingInput: input, key: scalarOnly)
        #expect(try JWSSignature.verify(algorithm: .ES256, signingInput: input, signature: third, key: Self.p256Public))
    }

    // MARK: A.4 ES512

    static let p521Public = JWK(kty: "EC", crv: "P-521",
                                x: "AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk",
                                y: "ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2")
    static let p521Private = JWK(kty: "EC", crv: "P-521", x: p521Public.x, y: p521Public.y,
                                 d: "AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C")
    /// A.4's payload is the bytes "Payload", not JSON.
    static let es512Input = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA"
    static let es512Signature = "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn"

    @Test("A.4: ES512 verifies the RFC's 132-byte signature (s has a leading zero byte)")
    func es512() throws {
        let signature = try b64u(Self.es512Signature)
        #expect(signature.count == 132)
        #expect(signature[66] == 0)
        #expect(try JWSSignature.verify(algorithm: .ES512, signingInput: utf8(Self.es512Input), signature: signature, key: Self.p521Public))
        #expect(try !JWSSignature.verify(algorithm: .ES512, signingInput: utf8(Self.es512Input),
                                         signature: flipped(signature, at: 131), key: Self.p521Public))
        #expect(try !JWSSignature.verify(algorithm: .ES512, signingInput: utf8("eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZB"),
                                         signature: signature, key: Self.p521Public))
    }

    @Test("A.4: ES512 signing with d yields 132-byte signatures that verify")
    func es512Sign() throws {
        let input = utf8(Self.es512Input)
        for _ in 0..<8 {
            // Repeated so that some signatures have r or s shorter than 66 bytes and need padding.
            let signature = try JWSSignature.sign(algorithm: .ES512, signingInput: input, key: Self.p521Private)
            #expect(signature.count == 132)
            #expect(try JWSSignature.verify(algorithm: .ES512, signingInput: input, signature: signature, key: Self.p521Public))
        }
    }
}
