/// A part of a text to be replaced by the mask. `space`: the part starts with the whitespace after
/// `Bearer`, which becomes one space, so that `Bearer\n\tTOKEN` reads `Bearer «redacted»`.
struct MaskSpan: Sendable {
    var start: Int
    var end: Int
    var space = false
}

/// The registered secrets compiled into one table, so that a text is searched for all of them in
/// a single scan instead of once per secret. A secret is found through its first four bytes (the
/// key of an open-addressing table whose slot lists the secrets with that key, longest first);
/// a bitmap of the first two bytes rejects most positions before the table is touched.
struct SecretMatcher: Sendable {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = []
    private var lengths: [Int] = []
    private var slotKeys: [UInt32] = []
    private var slotFirst: [Int32] = []  // index into offsets/lengths; -1: empty slot
    private var slotCount: [Int32] = []
    private var pairs = [UInt64](repeating: 0, count: 1024)
    private var shift: UInt32 = 31
    /// Shortest secret in bytes; larger than any text when there is none.
    private(set) var minLength = Int.max / 2

    init() {}

    init(_ secrets: some Sequence<String>) {
        var byKey: [UInt32: [(offset: Int, length: Int)]] = [:]
        for secret in secrets {
            let utf8 = Array(secret.utf8)
            // `add` keeps only secrets of six characters or more, so every one has a 4-byte key.
            guard utf8.count >= 4 else { continue }
            let key = Self.key(utf8[0], utf8[1], utf8[2], utf8[3])
            byKey[key, default: []].append((bytes.count, utf8.count))
            bytes += utf8
            minLength = min(minLength, utf8.count)
            pairs[Int(utf8[0]) << 2 | Int(utf8[1]) >> 6] |= 1 << UInt64(utf8[1] & 63)
        }
        var bits = 1
        while 1 << bits < byKey.count * 2 { bits += 1 }
        shift = UInt32(32 - bits)
        slotKeys = [UInt32](repeating: 0, count: 1 << bits)
        slotFirst = [Int32](repeating: -1, count: 1 << bits)
        slotCount = [Int32](repeating: 0, count: 1 << bits)
        for (key, list) in byKey {
            var slot = Int(hash(key))
            while slotFirst[slot] >= 0 { slot = (slot + 1) & (slotKeys.count - 1) }
            slotKeys[slot] = key
            slotFirst[slot] = Int32(offsets.count)
            slotCount[slot] = Int32(list.count)
            // Longest first: the first candidate that matches is the one to mask.
            for c in list.sorted(by: { $0.length > $1.length }) {
                offsets.append(c.offset)
                lengths.append(c.length)
            }
        }
    }

    /// The same key whatever the byte order of the machine, for the table and for the text.
    @inline(__always) static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> UInt32 {
        UInt32(a) | UInt32(b) << 8 | UInt32(c) << 16 | UInt32(d) << 24
    }

    @inline(__always) private func hash(_ key: UInt32) -> UInt32 { (key &* 0x9E37_79B1) >> shift }

    /// The tables as unsafe buffers, valid only inside `withFinder`: bounds checks and reference
    /// counting stay out of the per-byte loop.
    struct Finder {
        let pairs: UnsafeBufferPointer<UInt64>, keys: UnsafeBufferPointer<UInt32>
        let first: UnsafeBufferPointer<Int32>, count: UnsafeBufferPointer<Int32>
        let offsets: UnsafeBufferPointer<Int>, lengths: UnsafeBufferPointer<Int>, secrets: UnsafeBufferPointer<UInt8>
        let minLength: Int, shift: UInt32

        /// Length of the longest secret at `i`, 0 when none starts there.
        @inline(__always) func longest(in text: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
            guard i <= text.count - minLength else { return 0 }
            let a = text[i], b = text[i + 1]
            guard mayStart(a, b) else { return 0 }
            let key = SecretMatcher.key(a, b, text[i + 2], text[i + 3])
            var slot = Int((key &* 0x9E37_79B1) >> shift)
            while first[slot] >= 0 {
                if keys[slot] == key {
                    let from = Int(first[slot])
                    for c in from..<(from + Int(count[slot])) where lengths[c] <= text.count - i {
                        if SecretMatcher.same(secrets, offsets[c], text, i, lengths[c]) { return lengths[c] }
                    }
                    return 0
                }
                slot = (slot + 1) & (keys.count - 1)
            }
            return 0
        }

        /// Some secret starts with the bytes `a`, `b`.
        @inline(__always) func mayStart(_ a: UInt8, _ b: UInt8) -> Bool {
            pairs[Int(a) << 2 | Int(b) >> 6] & (1 << UInt64(b & 63)) != 0
        }
    }

    func withFinder<R>(_ body: (Finder) -> R) -> R {
        pairs.withUnsafeBufferPointer { pairs in
            slotKeys.withUnsafeBufferPointer { keys in
                slotFirst.withUnsafeBufferPointer { first in
                    slotCount.withUnsafeBufferPointer { count in
                        offsets.withUnsafeBufferPointer { offsets in
                            lengths.withUnsafeBufferPointer { lengths in
                                bytes.withUnsafeBufferPointer { secrets in
                                    body(Finder(pairs: pairs, keys: keys, first: first, count: count, offsets: offsets,
                                                lengths: lengths, secrets: secrets, minLength: minLength, shift: shift))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always) static func same(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int, _ n: Int) -> Bool {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return false }
        // The first four bytes are the key, already equal.
        var k = 4
        while k < n {
            if pa[i + k] != pb[j + k] { return false }
            k += 1
        }
        return true
    }
}

/// The rules for secrets nobody registered (a JWT the app echoed, a password in a URL or a
/// JSON body), hand-written so that they run in the same scan as the registered secrets.
enum PatternRules {
    /// Byte classes as comparisons, not a table: a static table costs a `swift_once` check on
    /// every use, which showed in profiles.
    enum Kind { case base64URL, token, space }

    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 || c &- 0x30 < 10 }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c &- 0x09 < 5 }

    @inline(__always) static func `is`(_ c: UInt8, _ kind: Kind) -> Bool {
        switch kind {
        case .space: isSpace(c)
        case .base64URL: isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
        case .token: isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=") || c == UInt8(ascii: "-")
        }
    }

    /// Bytes at which a rule may start; anything else costs one table look-up.
    enum Trigger: UInt8 { case jwt = 1, bearer, colon, equals, maskStart }
    static let triggers: [UInt8] = (0..<256).map { v in
        let trigger: Trigger? = switch UInt8(v) {
        case UInt8(ascii: "e"): .jwt
        case UInt8(ascii: "b"), UInt8(ascii: "B"): .bearer
        case UInt8(ascii: ":"): .colon
        case UInt8(ascii: "="): .equals
        case Array(Redactor.mask.utf8)[0]: .maskStart
        default: nil
        }
        return trigger?.rawValue ?? 0
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    @inline(__always) static func run(_ p: UnsafeBufferPointer<UInt8>, from i: Int, _ kind: Kind) -> Int {
        var j = i
        while j < p.count && `is`(p[j], kind) { j += 1 }
        return j
    }

    /// Compact JWS/JWT: `eyJ` (a JSON header) then at least four base64url bytes, and two more
    /// dot-separated base64url parts.
    /// `read`: the end of the first part, where any `eyJ` inside it would end too.
    static func jwt(_ p: UnsafeBufferPointer<UInt8>, at i: Int, read: inout Int) -> MaskSpan? {
        guard i + 3 < p.count, p[i + 1] == UInt8(ascii: "y"), p[i + 2] == UInt8(ascii: "J") else { return nil }
        var j = run(p, from: i + 3, .base64URL)
        read = j
        guard j - (i + 3) >= 4 else { return nil }
        for _ in 0..<2 {
            guard j < p.count, p[j] == UInt8(ascii: ".") else { return nil }
            j = run(p, from: j + 1, .base64URL)
        }
        return MaskSpan(start: i, end: j)
    }

    /// `Bearer` in any case, whitespace, then at least eight token bytes: the scheme stays.
    static func bearer(_ p: UnsafeBufferPointer<UInt8>, at i: Int) -> MaskSpan? {
        guard i + 6 < p.count else { return nil }
        for (k, c) in "earer".utf8.enumerated() where lower(p[i + 1 + k]) != c { return nil }
        let token = run(p, from: i + 6, .space)
        guard token > i + 6 else { return nil }
        let end = run(p, from: token, .token)
        return end - token >= 8 ? MaskSpan(start: i + 6, end: end, space: true) : nil
    }

    /// `:` starts either `://` of a URL (its userinfo password) or, looking back, the value of
    /// a JSON password key.
    static func colon(_ p: UnsafeBufferPointer<UInt8>, at i: Int, _ keys: PasswordKeys, read: inout Int) -> MaskSpan? {
        if i + 2 < p.count, p[i + 1] == UInt8(ascii: "/"), p[i + 2] == UInt8(ascii: "/") { return userinfo(p, at: i, read: &read) }
        return jsonValue(p, at: i, keys)
    }

    static let webStops = Array("/?#\"'<>".utf8), userStops = Array(":/@".utf8)
    static let schemes: [(name: [UInt8], web: Bool)] = [("postgresql", false), ("postgres", false), ("https", true), ("http", true)]
        .map { (Array($0.0.utf8), $0.1) }

    /// `scheme://user:PASSWORD@`: only what follows the colon is masked; `scheme://TOKEN@host`
    /// has no password and is kept. Web URLs end the password where userinfo cannot go on
    /// (`/?#`, quotes), so that `http://host:3000/users/a@b.c` is not taken for one.
    /// `read`: where the scan stopped; a `://` before it lies in this password and ends with it.
    static func userinfo(_ p: UnsafeBufferPointer<UInt8>, at i: Int, read: inout Int) -> MaskSpan? {
        guard let scheme = schemes.first(where: { s in
            s.name.count <= i && s.name.indices.allSatisfy { lower(p[i - s.name.count + $0]) == s.name[$0] }
        }) else { return nil }
        var j = i + 3
        while j < p.count, !isSpace(p[j]), !userStops.contains(p[j]), !(scheme.web && webStops.contains(p[j])) { j += 1 }
        read = j
        guard j > i + 3, j < p.count, p[j] == UInt8(ascii: ":") else { return nil }
        let start = j + 1
        j = start
        while j < p.count, !isSpace(p[j]), p[j] != UInt8(ascii: "@"), !(scheme.web && webStops.contains(p[j])) { j += 1 }
        read = j
        guard j > start, j < p.count, p[j] == UInt8(ascii: "@") else { return nil }
        return MaskSpan(start: start, end: j)
    }

    /// `"password": "VALUE"`: the value between its quotes, escaped quotes included.
    static func jsonValue(_ p: UnsafeBufferPointer<UInt8>, at i: Int, _ keys: PasswordKeys) -> MaskSpan? {
        var k = i - 1
        while k >= 0 && isSpace(p[k]) { k -= 1 }
        guard k > 0, p[k] == UInt8(ascii: "\"") else { return nil }
        let keyEnd = k
        k -= 1
        while k >= 0 && keyEnd - k <= keys.longest + 1 && p[k] != UInt8(ascii: "\"") { k -= 1 }
        guard k >= 0, p[k] == UInt8(ascii: "\""), keys.match(p, from: k + 1, to: keyEnd) else { return nil }
        var j = run(p, from: i + 1, .space)
        guard j < p.count, p[j] == UInt8(ascii: "\"") else { return nil }
        let start = j + 1
        j = start
        // An unterminated value (a cut text) is masked to the end of its line.
        while j < p.count && p[j] != UInt8(ascii: "\"") && p[j] != 0x0A && p[j] != 0x0D {
            j += p[j] == UInt8(ascii: "\\") ? 2 : 1
        }
        return j > start ? MaskSpan(start: start, end: min(j, p.count)) : nil
    }

    /// `password=VALUE` in a form body, a query or a log line: the value up to `&`, whitespace,
    /// a quote or the end. The key must not be the tail of a word (`bypass=`). `read`: the end
    /// of the value, which a `pass=` inside it shares.
    static func formValue(_ p: UnsafeBufferPointer<UInt8>, at i: Int, _ keys: PasswordKeys, read: inout Int) -> MaskSpan? {
        var isKey = false
        for key in keys.keys where key.count <= i && !isKey {
            let start = i - key.count
            isKey = (start == 0 || !isAlnum(p[start - 1])) && keys.match(p, from: start, to: i)
        }
        guard isKey else { return nil }
        var j = i + 1
        while j < p.count, !isSpace(p[j]), p[j] != UInt8(ascii: "&"), p[j] != UInt8(ascii: "\"") { j += 1 }
        read = j
        return j > i + 1 ? MaskSpan(start: i + 1, end: j) : nil
    }
}

/// JSON keys and form fields whose value is a password, lower-cased. One value fetched once per
/// text: a static read at every `:` of a JSON body cost a tenth of the time in profiles.
struct PasswordKeys: Sendable {
    let keys: [[UInt8]]
    let longest: Int
    /// Lengths that some key has, one bit each: most keys of a body are rejected by this alone.
    let lengths: Int

    static let shared = PasswordKeys(["password", "newPassword", "currentPassword", "oldPassword", "confirmPassword",
                                      "pass", "passwd", "secret", "client_secret", "clientSecret"])

    init(_ names: [String]) {
        keys = names.map { Array($0.lowercased().utf8) }
        longest = keys.map(\.count).max() ?? 0
        lengths = keys.reduce(0) { $0 | 1 << $1.count }
    }

    /// The bytes from `start` to `end` (exclusive) are one of the keys, compared without case.
    func match(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        guard end - start <= longest, lengths >> (end - start) & 1 != 0 else { return false }
        for key in keys where key.count == end - start {
            var k = 0
            while k < key.count && PatternRules.lower(p[start + k]) == key[k] { k += 1 }
            if k == key.count { return true }
        }
        return false
    }
}
