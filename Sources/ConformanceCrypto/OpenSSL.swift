import COpenSSL

/// Every call into OpenSSL (libcrypto 3.0) lives here, so that memory ownership, return-code
/// conventions and the error queue are handled in one place. Callers pass and receive `[UInt8]`
/// and Swift values; no C pointer leaves this file.
///
/// Conventions: OpenSSL functions return 1 on success; objects created here are freed by a
/// `defer` right after creation; on failure the thread's error queue is drained into the thrown
/// message (and cleared on expected failures, so a later error is not blamed on an earlier call).
enum OpenSSL {
    // MARK: Digests, MACs, randomness

    static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = withBytes(data) { pointer, count in
            out.withUnsafeMutableBufferPointer { buffer in
                EVP_Digest(pointer, count, buffer.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        // Hashing a memory buffer cannot fail short of a broken libcrypto; there is no sane
        // result to return then, and a wrong digest would silently corrupt every check.
        guard ok == 1, length == 32 else { fatalError("OpenSSL SHA-256 failed: \(drainErrors())") }
        return out
    }

    static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        // RFC 2104: a key longer than the 64-byte block is replaced by its hash. Doing it here
        // gives the same MAC and keeps the length within the `int` OpenSSL takes.
        let blockKey = key.count > 64 ? sha256(key) : key
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = withBytes(blockKey) { keyPointer, keyCount in
            withBytes(data) { dataPointer, dataCount in
                out.withUnsafeMutableBufferPointer { buffer in
                    HMAC(EVP_sha256(), keyPointer, Int32(keyCount), dataPointer, dataCount, buffer.baseAddress, &length)
                }
            }
        }
        // As for SHA-256: only a broken libcrypto fails here.
        guard result != nil, length == 32 else { fatalError("OpenSSL HMAC-SHA-256 failed: \(drainErrors())") }
        return out
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "a negative number of random bytes was asked for")
        var out = [UInt8](repeating: 0, count: count)
        // RAND_bytes takes an `int` length: fill in chunks well below it.
        let chunk = 1 << 20
        var start = 0
        while start < count {
            let length = min(chunk, count - start)
            let ok = out.withUnsafeMutableBufferPointer { buffer in
                RAND_bytes(buffer.baseAddress.map { $0 + start }, Int32(length))
            }
            // Forged tokens and keys made from predictable bytes would make the harness lie;
            // stopping is the only honest answer when the system RNG is unavailable.
            guard ok == 1 else { fatalError("OpenSSL RAND_bytes failed: \(drainErrors())") }
            start += length
        }
        return out
    }

    /// Equal length and equal bytes, in time independent of where they differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return withBytes(a) { aPointer, count in
            withBytes(b) { bPointer, _ in CRYPTO_memcmp(aPointer, bPointer, count) == 0 }
        }
    }

    // MARK: Signatures

    /// `true` only when OpenSSL accepts the signature. A malformed signature is `false`, not an
    /// error; a key OpenSSL cannot load throws.
    static func verify(scheme: SignatureScheme, key: PublicKeyMaterial, message: [UInt8], signature: [UInt8]) throws -> Bool {
        let pkey = try makePublicKey(key)
        defer { EVP_PKEY_free(pkey) }
        guard let context = EVP_MD_CTX_new() else { throw failure("could not allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }

        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, digest(for: scheme), nil, pkey) == 1 else {
            throw failure("OpenSSL refused the key for verification")
        }
        try configurePadding(keyContext, scheme: scheme)

        let result = withBytes(signature) { signaturePointer, signatureCount in
            withBytes(message) { messagePointer, messageCount in
                EVP_DigestVerify(context, signaturePointer, signatureCount, messagePointer, messageCount)
            }
        }
        // 0 is "does not verify", negative is "could not even be parsed": both are a bad signature.
        ERR_clear_error()
        return result == 1
    }

    /// The signature in OpenSSL's native form (DER for ECDSA).
    static func sign(scheme: SignatureScheme, key: PrivateKeyMaterial, message: [UInt8]) throws -> [UInt8] {
        let pkey = try makePrivateKey(key)
        defer { EVP_PKEY_free(pkey) }
        guard let context = EVP_MD_CTX_new() else { throw failure("could not allocate a digest context") }
        defer { EVP_MD_CTX_free(context) }

        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, digest(for: scheme), nil, pkey) == 1 else {
            throw failure("OpenSSL refused the key for signing")
        }
        try configurePadding(keyContext, scheme: scheme)

        return try withBytes(message) { messagePointer, messageCount in
            // First call sizes the buffer, second fills it; ECDSA's DER may come out shorter.
            var length = 0
            guard EVP_DigestSign(context, nil, &length, messagePointer, messageCount) == 1 else {
                throw failure("OpenSSL could not size the signature")
            }
            var out = [UInt8](repeating: 0, count: length)
            let ok = out.withUnsafeMutableBufferPointer { buffer in
                EVP_DigestSign(context, buffer.baseAddress, &length, messagePointer, messageCount)
            }
            guard ok == 1 else { throw failure("OpenSSL could not sign") }
            return Array(out.prefix(length))
        }
    }

    /// DER `ECDSA-Sig-Value` from JOSE's fixed-width r||s.
    static func ecdsaDERSignature(r: [UInt8], s: [UInt8]) throws -> [UInt8] {
        guard let signature = ECDSA_SIG_new() else { throw failure("could not allocate an ECDSA signature") }
        defer { ECDSA_SIG_free(signature) }
        guard let rNumber = bignum(r) else { throw failure("could not read r") }
        guard let sNumber = bignum(s) else {
            BN_free(rNumber)
            throw failure("could not read s")
        }
        // set0 takes ownership of both numbers only when it succeeds.
        guard ECDSA_SIG_set0(signature, rNumber, sNumber) == 1 else {
            BN_free(rNumber)
            BN_free(sNumber)
            throw failure("could not build an ECDSA signature")
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { throw failure("could not size the DER signature") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        guard written == length else { throw failure("could not encode the DER signature") }
        return out
    }

    /// JOSE's r||s, each left-padded to `size` bytes, from a DER `ECDSA-Sig-Value`.
    static func ecdsaRawSignature(der: [UInt8], size: Int) throws -> [UInt8] {
        let parsed: OpaquePointer? = withBytes(der) { pointer, count in
            var cursor: UnsafePointer<UInt8>? = pointer
            return d2i_ECDSA_SIG(nil, &cursor, count)
        }
        guard let signature = parsed else { throw failure("OpenSSL produced an unreadable ECDSA signature") }
        defer { ECDSA_SIG_free(signature) }
        var out = [UInt8](repeating: 0, count: 2 * size)
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return BN_bn2binpad(ECDSA_SIG_get0_r(signature), base, Int32(size)) == Int32(size)
                && BN_bn2binpad(ECDSA_SIG_get0_s(signature), base + size, Int32(size)) == Int32(size)
        }
        guard ok else { throw failure("ECDSA signature does not fit \(size)-byte halves") }
        return out
    }

    // MARK: Ed25519 keys

    /// A fresh 32-byte Ed25519 private key (the RFC 8032 seed, JWK `d`).
    static func generateEd25519Seed() throws -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new_id(conformance_evp_pkey_ed25519(), nil) else {
            throw failure("could not allocate an Ed25519 key generator")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &pkey) == 1, let pkey else {
            throw failure("could not generate an Ed25519 key")
        }
        defer { EVP_PKEY_free(pkey) }
        var out = [UInt8](repeating: 0, count: 32)
        var length = out.count
        let ok = out.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_private_key(pkey, $0.baseAddress, &length) }
        guard ok == 1, length == 32 else { throw failure("could not read the generated Ed25519 key") }
        return out
    }

    /// The 32-byte public key (JWK `x`) belonging to an Ed25519 seed.
    static func ed25519PublicKey(seed: [UInt8]) throws -> [UInt8] {
        let pkey = try makePrivateKey(.ed25519(seed: seed))
        defer { EVP_PKEY_free(pkey) }
        var out = [UInt8](repeating: 0, count: 32)
        var length = out.count
        let ok = out.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_public_key(pkey, $0.baseAddress, &length) }
        guard ok == 1, length == 32 else { throw failure("could not derive the Ed25519 public key") }
        return out
    }

    // MARK: Public key encoding

    /// DER SubjectPublicKeyInfo (RFC 5280), the body of a `-----BEGIN PUBLIC KEY-----` block.
    static func subjectPublicKeyInfo(_ key: PublicKeyMaterial) throws -> [UInt8] {
        let pkey = try makePublicKey(key)
        defer { EVP_PKEY_free(pkey) }
        let length = i2d_PUBKEY(pkey, nil)
        guard length > 0 else { throw failure("could not size the public key encoding") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(pkey, &cursor)
        }
        guard written == length else { throw failure("could not encode the public key") }
        return out
    }

    // MARK: AEAD

    static let chacha20Poly1305TagLength = 16

    /// IETF ChaCha20-Poly1305 (RFC 8439): ciphertext followed by the 16-byte tag.
    static func chacha20Poly1305Seal(key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        try checkAEADSizes(key: key, nonce: nonce, dataCount: plaintext.count, aadCount: aad.count)
        guard let context = EVP_CIPHER_CTX_new() else { throw failure("could not allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }
        let initialised = withBytes(key) { keyPointer, _ in
            withBytes(nonce) { noncePointer, _ in
                EVP_EncryptInit_ex(context, EVP_chacha20_poly1305(), nil, keyPointer, noncePointer)
            }
        }
        guard initialised == 1 else { throw failure("could not start ChaCha20-Poly1305") }
        try feedAAD(context, aad, encrypting: true)

        var out = [UInt8](repeating: 0, count: plaintext.count + chacha20Poly1305TagLength)
        let ok = withBytes(plaintext) { inPointer, inCount in
            out.withUnsafeMutableBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress else { return false }
                var written: Int32 = 0
                if inCount > 0 {
                    guard EVP_EncryptUpdate(context, base, &written, inPointer, Int32(inCount)) == 1,
                          Int(written) == inCount else { return false }
                }
                var finalWritten: Int32 = 0
                guard EVP_EncryptFinal_ex(context, base + Int(written), &finalWritten) == 1, finalWritten == 0 else {
                    return false
                }
                return EVP_CIPHER_CTX_ctrl(context, conformance_evp_ctrl_aead_get_tag(),
                                           Int32(chacha20Poly1305TagLength), base + inCount) == 1
            }
        }
        guard ok else { throw failure("ChaCha20-Poly1305 encryption failed") }
        return out
    }

    /// Inverse of `chacha20Poly1305Seal`; throws when the tag does not authenticate.
    static func chacha20Poly1305Open(key: [UInt8], nonce: [UInt8], ciphertextAndTag: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        guard ciphertextAndTag.count >= chacha20Poly1305TagLength else {
            throw CryptoError("ciphertext is \(ciphertextAndTag.count) bytes, shorter than the 16-byte tag")
        }
        let ciphertext = Array(ciphertextAndTag.dropLast(chacha20Poly1305TagLength))
        var tag = Array(ciphertextAndTag.suffix(chacha20Poly1305TagLength))
        try checkAEADSizes(key: key, nonce: nonce, dataCount: ciphertext.count, aadCount: aad.count)
        guard let context = EVP_CIPHER_CTX_new() else { throw failure("could not allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(context) }
        let initialised = withBytes(key) { keyPointer, _ in
            withBytes(nonce) { noncePointer, _ in
                EVP_DecryptInit_ex(context, EVP_chacha20_poly1305(), nil, keyPointer, noncePointer)
            }
        }
        guard initialised == 1 else { throw failure("could not start ChaCha20-Poly1305") }
        let tagSet = tag.withUnsafeMutableBufferPointer { buffer in
            EVP_CIPHER_CTX_ctrl(context, conformance_evp_ctrl_aead_set_tag(), Int32(buffer.count), buffer.baseAddress)
        }
        guard tagSet == 1 else { throw failure("could not set the Poly1305 tag") }
        try feedAAD(context, aad, encrypting: false)

        var out = [UInt8](repeating: 0, count: ciphertext.count)
        let decrypted = withBytes(ciphertext) { inPointer, inCount in
            out.withUnsafeMutableBufferPointer { buffer -> Bool in
                // Empty ciphertext (a tag alone) has nothing to decrypt, only a tag to check.
                guard inCount > 0 else { return true }
                guard let base = buffer.baseAddress else { return false }
                var written: Int32 = 0
                return EVP_DecryptUpdate(context, base, &written, inPointer, Int32(inCount)) == 1
                    && Int(written) == inCount
            }
        }
        guard decrypted else { throw failure("ChaCha20-Poly1305 decryption failed") }
        // Final is where the tag is checked; its output buffer is never written for a stream cipher.
        var scratch = [UInt8](repeating: 0, count: 16)
        var finalWritten: Int32 = 0
        let authentic = scratch.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context, buffer.baseAddress, &finalWritten)
        }
        guard authentic == 1 else {
            ERR_clear_error()
            throw CryptoError("ChaCha20-Poly1305 tag does not match: wrong key, nonce or data")
        }
        return out
    }

    // MARK: scrypt

    /// RFC 7914 scrypt. `maxMemory` bounds what OpenSSL may allocate (its own default, 32 MiB,
    /// is below what Better Auth's N=16384, r=16 needs).
    static func scrypt(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int, maxMemory: UInt64) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let ok = withBytes(password) { passwordPointer, passwordCount in
            withBytes(salt) { saltPointer, saltCount in
                out.withUnsafeMutableBufferPointer { buffer in
                    // scrypt takes the password as `const char *` but treats it as bytes.
                    EVP_PBE_scrypt(UnsafeRawPointer(passwordPointer).assumingMemoryBound(to: CChar.self), passwordCount,
                                   saltPointer, saltCount, n, r, p, maxMemory, buffer.baseAddress, buffer.count)
                }
            }
        }
        guard ok == 1 else { throw failure("OpenSSL scrypt refused N=\(n), r=\(r), p=\(p)") }
        return out
    }

    // MARK: - Building EVP_PKEY values

    /// Caller frees with EVP_PKEY_free.
    private static func makePublicKey(_ key: PublicKeyMaterial) throws -> OpaquePointer {
        switch key {
        case .ed25519(let publicKey):
            let pkey = withBytes(publicKey) { pointer, count in
                EVP_PKEY_new_raw_public_key(conformance_evp_pkey_ed25519(), nil, pointer, count)
            }
            guard let pkey else { throw failure("OpenSSL rejected the Ed25519 public key") }
            return pkey
        case .ec(let curve, let x, let y):
            // Import checks that the point lies on the curve, which defeats invalid-curve keys.
            return try keyFromData(type: "EC", selection: conformance_evp_pkey_public_key(), parameters: [
                .utf8("group", curve.groupName),
                .octets("pub", [0x04] + x + y),
            ], what: "EC \(curve.jwkName) public key")
        case .rsa(let n, let e):
            return try keyFromData(type: "RSA", selection: conformance_evp_pkey_public_key(), parameters: [
                .bignum("n", n),
                .bignum("e", e),
            ], what: "RSA public key")
        }
    }

    /// Caller frees with EVP_PKEY_free.
    private static func makePrivateKey(_ key: PrivateKeyMaterial) throws -> OpaquePointer {
        switch key {
        case .ed25519(let seed):
            let pkey = withBytes(seed) { pointer, count in
                EVP_PKEY_new_raw_private_key(conformance_evp_pkey_ed25519(), nil, pointer, count)
            }
            guard let pkey else { throw failure("OpenSSL rejected the Ed25519 private key") }
            return pkey
        case .ec(let curve, let d, let x, let y):
            var parameters: [KeyParameter] = [.utf8("group", curve.groupName), .bignum("priv", d)]
            if let x, let y { parameters.append(.octets("pub", [0x04] + x + y)) }
            return try keyFromData(type: "EC", selection: conformance_evp_pkey_keypair(), parameters: parameters,
                                   what: "EC \(curve.jwkName) private key")
        case .rsa(let n, let e, let d):
            return try keyFromData(type: "RSA", selection: conformance_evp_pkey_keypair(), parameters: [
                .bignum("n", n),
                .bignum("e", e),
                .bignum("d", d),
            ], what: "RSA private key")
        }
    }

    private enum KeyParameter {
        case utf8(String, String)
        case octets(String, [UInt8])
        /// Big-endian unsigned integer, as in a JWK.
        case bignum(String, [UInt8])
    }

    /// EVP_PKEY_fromdata over parameters built with OSSL_PARAM_BLD (the OpenSSL 3 replacement for
    /// the deprecated RSA_set0_key / EC_KEY_set_public_key).
    private static func keyFromData(type: String, selection: Int32, parameters: [KeyParameter], what: String) throws -> OpaquePointer {
        // The builder keeps pointers to names, strings and BIGNUMs until the OSSL_PARAM array is
        // used, so everything it references is owned here and released only after fromdata.
        let arena = Arena()
        defer { arena.release() }
        guard let builder = OSSL_PARAM_BLD_new() else { throw failure("could not allocate a parameter builder") }
        defer { OSSL_PARAM_BLD_free(builder) }

        for parameter in parameters {
            let pushed: Int32
            switch parameter {
            case .utf8(let name, let value):
                let bytes = Array(value.utf8)
                pushed = OSSL_PARAM_BLD_push_utf8_string(builder, arena.cString(name), arena.cString(value), bytes.count)
            case .octets(let name, let value):
                pushed = OSSL_PARAM_BLD_push_octet_string(builder, arena.cString(name), arena.bytes(value), value.count)
            case .bignum(let name, let value):
                guard let number = bignum(value) else { throw failure("could not read \(name) of the \(what)") }
                arena.bignums.append(number)
                pushed = OSSL_PARAM_BLD_push_BN(builder, arena.cString(name), number)
            }
            guard pushed == 1 else { throw failure("could not build the \(what)") }
        }
        guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw failure("could not build the \(what)") }
        defer { OSSL_PARAM_free(params) }

        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw failure("OpenSSL has no \(type) key support")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var pkey: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &pkey, selection, params) == 1,
              let pkey
        else { throw failure("OpenSSL rejected the \(what)") }
        return pkey
    }

    /// C memory that must outlive one OpenSSL call sequence.
    private final class Arena {
        var allocations: [UnsafeMutableRawPointer] = []
        var bignums: [OpaquePointer] = []

        func cString(_ text: String) -> UnsafeMutablePointer<CChar> {
            let bytes = Array(text.utf8) + [0]
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
            allocations.append(UnsafeMutableRawPointer(pointer))
            return pointer
        }

        func bytes(_ value: [UInt8]) -> UnsafeMutablePointer<UInt8> {
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(value.count, 1))
            pointer.initialize(from: value, count: value.count)
            allocations.append(UnsafeMutableRawPointer(pointer))
            return pointer
        }

        func release() {
            for number in bignums { BN_free(number) }
            bignums = []
            for pointer in allocations { pointer.deallocate() }
            allocations = []
        }
    }

    // MARK: - Helpers

    private static func digest(for scheme: SignatureScheme) -> OpaquePointer? {
        switch scheme {
        case .ed25519: return nil
        case .ecdsa(let digest), .rsaPKCS1(let digest), .rsaPSS(let digest):
            switch digest {
            case .sha256: return EVP_sha256()
            case .sha512: return EVP_sha512()
            }
        }
    }

    private static func configurePadding(_ keyContext: OpaquePointer?, scheme: SignatureScheme) throws {
        switch scheme {
        case .ed25519, .ecdsa:
            return
        case .rsaPKCS1:
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, conformance_rsa_pkcs1_padding()) == 1 else {
                throw failure("could not select PKCS #1 v1.5 padding")
            }
        case .rsaPSS(let digest):
            // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash output.
            guard EVP_PKEY_CTX_set_rsa_padding(keyContext, conformance_rsa_pkcs1_pss_padding()) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, self.digest(for: scheme)) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32(digest.length)) == 1
            else { throw failure("could not select RSA-PSS padding") }
        }
    }

    private static func feedAAD(_ context: OpaquePointer, _ aad: [UInt8], encrypting: Bool) throws {
        guard !aad.isEmpty else { return }
        var written: Int32 = 0
        let ok = withBytes(aad) { pointer, count in
            encrypting
                ? EVP_EncryptUpdate(context, nil, &written, pointer, Int32(count))
                : EVP_DecryptUpdate(context, nil, &written, pointer, Int32(count))
        }
        guard ok == 1 else { throw failure("could not authenticate the associated data") }
    }

    private static func checkAEADSizes(key: [UInt8], nonce: [UInt8], dataCount: Int, aadCount: Int) throws {
        guard key.count == 32 else { throw CryptoError("ChaCha20-Poly1305 needs a 32-byte key, got \(key.count)") }
        guard nonce.count == 12 else { throw CryptoError("ChaCha20-Poly1305 needs a 12-byte nonce, got \(nonce.count)") }
        // The EVP update calls take int lengths.
        guard dataCount <= Int(Int32.max), aadCount <= Int(Int32.max) else {
            throw CryptoError("ChaCha20-Poly1305 input larger than 2 GiB")
        }
    }

    /// Caller frees with BN_free.
    private static func bignum(_ bigEndian: [UInt8]) -> OpaquePointer? {
        guard bigEndian.count <= Int(Int32.max) else { return nil }
        return withBytes(bigEndian) { pointer, count in BN_bin2bn(pointer, Int32(count), nil) }
    }

    /// Calls `body` with a pointer that is never nil, even for an empty array: several OpenSSL
    /// functions reject a NULL buffer even when its length is zero.
    private static func withBytes<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> Result) rethrows -> Result {
        if bytes.isEmpty {
            var placeholder: UInt8 = 0
            return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else {
                var placeholder: UInt8 = 0
                return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
            }
            return try body(base, buffer.count)
        }
    }

    private static func failure(_ what: String) -> CryptoError {
        let details = drainErrors()
        return CryptoError(details.isEmpty ? what : "\(what) (\(details))")
    }

    /// Empties this thread's OpenSSL error queue into one readable line.
    private static func drainErrors() -> String {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            lines.append(String(decoding: bytes, as: UTF8.self))
        }
        return lines.joined(separator: "; ")
    }
}

// MARK: - Library version

/// The libcrypto this process runs with, for `conformance --version`.
public enum OpenSSLLibrary {
    /// "OpenSSL 3.0.15 3 Sep 2024", as OpenSSL_version names itself.
    public static var version: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "unknown" }
        return String(cString: text)
    }
}
