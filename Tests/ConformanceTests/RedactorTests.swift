import Foundation
import ConformanceHTTP
import Testing
@testable import Conformance

/// The redactor alone, without a server: every rule, the overlaps between them, UTF-8 edges,
/// and a large text against a naive reference.
@Suite struct RedactorTests {
    let m = Redactor.mask

    @Test func masksRegisteredSecretsAndPatterns() {
        let r = Redactor()
        r.add("s3cr3t-password")
        r.add("abc") // too short to register: would blank every report
        let jwt = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
        let text = "pw=s3cr3t-password token \(jwt) url postgresql://app:hunter22@db:5432/x auth Bearer abcdefghijkl abc"
        let out = r.redact(text)
        #expect(!out.contains("s3cr3t-password"))
        #expect(!out.contains(jwt))
        #expect(!out.contains("hunter22"))
        #expect(!out.contains("abcdefghijkl"))
        #expect(out.contains("abc"))
        #expect(out.contains("postgresql://app:"))
        #expect(out == "pw=\(m) token \(m) url postgresql://app:\(m)@db:5432/x auth Bearer \(m) abc")
    }

    @Test func headersKeepTheirShape() {
        let r = Redactor()
        #expect(r.redactHeader(name: "Authorization", value: "Bearer xyz.abc.def") == "Bearer \(m)")
        #expect(r.redactHeader(name: "authorization", value: "opaque-token-without-scheme") == m)
        #expect(r.redactHeader(name: "Proxy-Authorization", value: "Basic dXNlcjpwYXNz") == "Basic \(m)")
        #expect(r.redactHeader(name: "Set-Cookie", value: "better-auth.session_token=abc.def; Path=/; HttpOnly")
                == "better-auth.session_token=\(m); Path=/; HttpOnly")
        #expect(r.redactHeader(name: "Cookie", value: "a=1; b=2") == "a=\(m); b=\(m)")
        #expect(r.redactHeader(name: "X-API-Key", value: "k") == m)
        #expect(r.redactHeader(name: "set-auth-jwt", value: "whatever") == m)
        #expect(r.redactHeader(name: "Content-Type", value: "application/json") == "application/json")
        r.add("registered-value")
        #expect(r.redactHeader(name: "X-Echo", value: "got registered-value and Bearer abcdefghij") == "got \(m) and Bearer \(m)")
    }

    @Test func registersEncodedAndDecodedForms() {
        let r = Redactor()
        r.add("tok/en+val=ue")
        r.add("pre%2Fdecoded%3Dx")
        r.add(nil)
        r.add("12345")
        #expect(r.redact("a tok%2Fen%2Bval%3Due b") == "a \(m) b")
        #expect(r.redact("a tok/en+val=ue b") == "a \(m) b")
        #expect(r.redact("a pre/decoded=x b") == "a \(m) b")
        #expect(r.redact("a pre%2Fdecoded%3Dx b") == "a \(m) b")
        #expect(r.redact("12345 and 1234567") == "12345 and 1234567")
    }

    @Test func jwtsAreMaskedWhole() {
        let r = Redactor()
        #expect(r.redact("t=eyJhbGciOi.eyJzdWIi.c2ln; next") == "t=\(m); next")
        #expect(r.redact("[eyJabcd..]") == "[\(m)]", "empty payload and signature still form a compact JWS")
        #expect(r.redact("xxeyJhbGc_-x.y-_.z tail") == "xx\(m) tail")
        #expect(r.redact("eyJabc.def.ghi") == "eyJabc.def.ghi", "fewer than four characters after eyJ")
        #expect(r.redact("eyJhbGciOi.only-one-dot") == "eyJhbGciOi.only-one-dot")
        #expect(r.redact("eyJ") == "eyJ")
    }

    @Test func connectionURLsKeepTheUser() {
        let r = Redactor()
        #expect(r.redact("postgresql://app:hunter22@db:5432/x") == "postgresql://app:\(m)@db:5432/x")
        #expect(r.redact("url=postgres://u:p:a/ss@h/db") == "url=postgres://u:\(m)@h/db")
        #expect(r.redact("postgres://u:pa ss@h") == "postgres://u:pa ss@h", "no whitespace in a password")
        #expect(r.redact("postgres://:pw@h") == "postgres://:pw@h", "the user is not empty")
        #expect(r.redact("postgres://host:5432/db") == "postgres://host:5432/db")
        #expect(r.redact("GET https://alice:s3cr3tpw@api.test/x") == "GET https://alice:\(m)@api.test/x")
        #expect(r.redact("http://bob:pw@localhost:3000/") == "http://bob:\(m)@localhost:3000/")
        #expect(r.redact("HTTPS://bob:pw@h") == "HTTPS://bob:\(m)@h")
        #expect(r.redact("https://TOKEN123@host/x") == "https://TOKEN123@host/x", "no colon: a user, not a password")
        #expect(r.redact("http://localhost:3000/users/a@b.test") == "http://localhost:3000/users/a@b.test")
        #expect(r.redact("http://h:1/?to=a@b") == "http://h:1/?to=a@b")
        #expect(r.redact(#"{"url":"https://u:p@h"}"#) == #"{"url":"https://u:\#(m)@h"}"#)
        #expect(r.redact("ftp://u:pw@h") == "ftp://u:pw@h")
    }

    @Test func bearerValuesKeepTheScheme() {
        let r = Redactor()
        #expect(r.redact("Authorization: Bearer abcdefgh12") == "Authorization: Bearer \(m)")
        #expect(r.redact("bearer\t\nabc.DEF_~+/=-123 rest") == "bearer \(m) rest")
        #expect(r.redact("BeArEr abcdefgh") == "BeArEr \(m)", "eight characters are enough")
        #expect(r.redact("Bearer abcdefg") == "Bearer abcdefg", "seven are not")
        #expect(r.redact("Bearer") == "Bearer")
        #expect(r.redact("Bearerabcdefghij") == "Bearerabcdefghij", "whitespace is required")
        #expect(r.redact(#"{"h":"Bearer eyJhbGciOi.eyJzdWIi.c2ln"}"#) == #"{"h":"Bearer \#(m)"}"#)
    }

    @Test func jsonPasswordFieldsKeepKeyAndQuotes() {
        let r = Redactor()
        #expect(r.redact(#"{"password": "hunter2!", "email":"a@b"}"#) == #"{"password": "\#(m)", "email":"a@b"}"#)
        #expect(r.redact(#"{"newPassword":"a\"b\\","x":1}"#) == #"{"newPassword":"\#(m)","x":1}"#)
        #expect(r.redact(#"{"CurrentPassword" : "x y"}"#) == #"{"CurrentPassword" : "\#(m)"}"#)
        #expect(r.redact(#"{"pass":"p","secret":"s","client_secret":"c"}"#) == #"{"pass":"\#(m)","secret":"\#(m)","client_secret":"\#(m)"}"#)
        #expect(r.redact(#"{"passwordHint": "x", "bypass": "y"}"#) == #"{"passwordHint": "x", "bypass": "y"}"#)
        #expect(r.redact(#"{"password": null, "password": ""}"#) == #"{"password": null, "password": ""}"#)
        #expect(r.redact("{\"password\": \"cut off\nnext line") == "{\"password\": \"\(m)\nnext line")
    }

    @Test func formPasswordFieldsAreMasked() {
        let r = Redactor()
        #expect(r.redact("email=a%40b.c&password=hunter22&remember=1") == "email=a%40b.c&password=\(m)&remember=1")
        #expect(r.redact("/login?pass=xyz end") == "/login?pass=\(m) end")
        #expect(r.redact("PASSWORD=abc") == "PASSWORD=\(m)")
        #expect(r.redact("user_password=abc\nx") == "user_password=\(m)\nx")
        #expect(r.redact(#"{"q":"secret=s3"}"#) == #"{"q":"secret=\#(m)"}"#)
        #expect(r.redact("bypass=true compass=north") == "bypass=true compass=north")
        #expect(r.redact("password=&x=1") == "password=&x=1")
    }

    @Test func overlappingSecretsLeaveNoPiece() {
        let r = Redactor()
        r.add("abcdef12")
        r.add("abcdef1234")
        #expect(r.redact("abcdef1234 abcdef12 abcdef123") == "\(m) \(m) \(m)3", "longest wins at one position")
        r.add("ef12ghij")
        #expect(r.redact("xx abcdef12ghij yy") == "xx \(m) yy", "partly overlapping matches become one mask")
        #expect(r.redact("abcdef12abcdef12") == "\(m)\(m)", "adjacent secrets stay two masks")
    }

    @Test func tokenInsideACookieIsMaskedWhole() {
        let r = Redactor()
        r.add("abcDEF123456")
        #expect(r.redact("Cookie: session=abcDEF123456.c2ln; theme=dark") == "Cookie: session=\(m).c2ln; theme=dark")
        r.add("abcDEF123456.c2lnbmF0dXJl+=")
        #expect(r.redact("Cookie: session=abcDEF123456%2Ec2lnbmF0dXJl%2B%3D; Path=/") == "Cookie: session=\(m); Path=/")
        #expect(r.redact("session=abcDEF123456.c2lnbmF0dXJl+=") == "session=\(m)")
    }

    @Test func multiByteNeighboursAreNotSplit() {
        let r = Redactor()
        r.add("plain-secret")
        r.add("pässwörd-ünï")
        let out = r.redact("é" + "plain-secret" + "😀 中文pässwörd-ünï👍🏽 e\u{301}")
        #expect(out == "é\(m)😀 中文\(m)👍🏽 e\u{301}")
        #expect(Array(out.unicodeScalars) == Array("é\(m)😀 中文\(m)👍🏽 e\u{301}".unicodeScalars))
        #expect(r.redact("😀Bearer abcdefghé") == "😀Bearer \(m)é")
        #expect(r.redact(#"{"password":"é😀"}"#) == #"{"password":"\#(m)"}"#)
    }

    @Test func redactingTwiceChangesNothing() {
        let r = Redactor()
        r.add("redacted") // a substring of the mask itself
        r.add("abcdef12")
        let text = #"""
        redacted abcdef12 Bearer abcdefghij eyJhbGciOi.eyJzdWIi.c2ln postgres://u:pw@h https://a:b@c
        {"password": "x\"y"} password=p&x=1 already «redacted» here
        """#
        let once = r.redact(text)
        #expect(!once.contains("abcdef12") && !once.contains("abcdefghij") && !once.contains("pw@") && !once.contains("x\\\"y"))
        #expect(once.contains("already \(m) here"))
        #expect(r.redact(once) == once)
        #expect(r.redact(m) == m)
        #expect(r.redact(m + m) == m + m)
    }

    @Test func textsWithoutAMatchComeBackUnchanged() {
        let r = Redactor()
        #expect(r.redact("") == "")
        #expect(r.redact("plain") == "plain")
        r.add("registered-secret-1")
        let texts = ["", "e", "b", ":", "=", "«", "no secret here, just text é 😀", "registered-secret", "eyJhb", "Bearer short",
                     "https://host/path?x=1", #"{"title": "milk", "id": 7}"#, "password", "k=v&w=x", String(repeating: "registered-", count: 500)]
        for t in texts { #expect(r.redact(t) == t) }
        // The same storage comes back: no copy was made.
        let big = String(repeating: "nothing to hide here; ", count: 1000)
        let same = big.utf8.withContiguousStorageIfAvailable { a in
            r.redact(big).utf8.withContiguousStorageIfAvailable { b in a.baseAddress == b.baseAddress }
        }
        #expect(same == .some(.some(true)))
    }

    @Test func secretsAddedLaterAreMatchedFromThenOn() async {
        let r = Redactor()
        r.add("first-secret")
        #expect(r.redact("first-secret second-secret") == "\(m) second-secret")
        r.add("second-secret")
        r.add("first-secret") // already known
        #expect(r.redact("first-secret second-secret") == "\(m) \(m)")
        await withTaskGroup(of: Bool.self) { group in
            for k in 0..<16 {
                group.addTask {
                    let secret = "concurrent-\(k)-secret"
                    r.add(secret)
                    return r.redact("value \(secret) end") == "value \(Redactor.mask) end"
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test(.timeLimit(.minutes(2))) func repetitiveTextsStayLinear() {
        let r = Redactor()
        let n = 100_000
        #expect(r.redact(String(repeating: "eyJ", count: n)) == String(repeating: "eyJ", count: n))
        #expect(r.redact(String(repeating: "pass=", count: n)) == "pass=\(m)")
        let urls = String(repeating: "postgres://a:", count: n)
        #expect(r.redact(urls) == urls)
        #expect(r.redact(urls + "@h") == "postgres://a:\(m)@h")
    }

    @Test func largeBodyMatchesANaiveReference() throws {
        var rng = SplitMix(seed: 20_251_128)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var secrets: [String] = []
        while secrets.count < 1000 {
            let length = 8 + Int(rng.next() % 33)
            let s = String(decoding: (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }, as: UTF8.self)
            // Keep the pattern rules out of it: the reference knows only exact secrets.
            let lower = s.lowercased()
            guard !s.contains("eyJ"), !lower.contains("bearer"), !lower.contains("pass"), !lower.contains("secret") else { continue }
            secrets.append(s)
        }
        // Some secrets are prefixes of others, and some have a form that differs once encoded.
        secrets += secrets.prefix(50).map { $0 + "XtraTail" } + secrets[50..<80].map { $0 + "-dash_" }
        let filler = ["lorem", "ipsum", "café", "naïve", "😀", "中文", #"{"id": 42, "title": "x"}"#, "\n", "-", "👍🏽"]
        var body = ""
        body.reserveCapacity(8_500_000)
        while body.utf8.count < 8_000_000 {
            switch rng.next() % 10 {
            case 0: body += secrets[Int(rng.next() % UInt64(secrets.count))]
            case 1: body += "é" + secrets[Int(rng.next() % UInt64(secrets.count))] + "😀"
            case 2: body += secrets[Int(rng.next() % 50)] + secrets[Int(rng.next() % 50)]
            case 3: body += secrets[1050 + Int(rng.next() % 30)].addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            default: body += filler[Int(rng.next() % UInt64(filler.count))]
            }
            body += rng.next() % 3 == 0 ? "" : " "
        }
        let r = Redactor()
        for s in secrets { r.add(s) }
        let expected = Self.naive(body, secrets)
        let out = r.redact(body)
        #expect(out.utf8.count == expected.utf8.count)
        #expect(out == expected)
        #expect(out != body)
    }

    @Test func benchmarkReportsWhatItRead() {
        let texts = ["Bearer abcdefghij", "plain é", #"{"password":"x"}"#]
        let result = Redactor.benchmark(texts: texts, secrets: ["some-secret"])
        #expect(result.bytes == texts.reduce(0) { $0 + $1.utf8.count })
        #expect(result.seconds >= 0)
    }

    /// One secret after the other, longest first, each replaced everywhere: the old algorithm.
    /// `strstr` does the searching (the texts hold no NUL), so that it takes seconds, not hours.
    static func naive(_ text: String, _ secrets: [String]) -> String {
        var forms = Set(secrets)
        for s in secrets { if let e = s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.insert(e) } }
        var bytes = Array(text.utf8) + [0]
        let mask = Array(Redactor.mask.utf8)
        for secret in forms.sorted(by: { $0.utf8.count > $1.utf8.count }) {
            let needle = Array(secret.utf8) + [0]
            var out: [UInt8] = []
            var i = 0
            bytes.withUnsafeBufferPointer { hay in
                needle.withUnsafeBufferPointer { nd in
                    guard let h = hay.baseAddress, let n = nd.baseAddress else { return }
                    let hc = UnsafeRawPointer(h).assumingMemoryBound(to: CChar.self)
                    let nc = UnsafeRawPointer(n).assumingMemoryBound(to: CChar.self)
                    while let hit = strstr(hc + i, nc) {
                        let at = hc.distance(to: UnsafePointer(hit))
                        if out.isEmpty { out.reserveCapacity(hay.count) }
                        out += hay[i..<at]
                        out += mask
                        i = at + nd.count - 1
                    }
                    if i > 0 { out += hay[i...] }
                }
            }
            if i > 0 { bytes = out }
        }
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }
}

/// A small seeded generator, so that the large body is the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Redaction happens once, when reports are written: evidence kept as raw exchanges, messages and
/// case names holding generated passwords and secrets must come out masked in every report.
@Suite struct OutputRedactionTests {
    @Test func generatedSecretsNeverReachAReport() throws {
        let redactor = Redactor()
        let password = redactor.newPassword()
        let impostor = redactor.newPassword(prefix: "Wrong-")
        redactor.addAuthSecrets(["BETTER_AUTH_SECRETS": "1:first-rotated-secret-value, 2:second-rotated-secret-value"], secret: "the-legacy-secret-value")
        #expect(password.contains(where: \.isUppercase) && password.contains(where: \.isLowercase) && password.contains(where: \.isNumber)
                && password.contains("-"), "meets the usual password rules")
        let body = #"{"email":"a@x.example","password":"\#(impostor)"}"#
        let request = HTTPRequest(method: "POST", url: "https://user:\(password)@auth.example/api/auth/sign-in/email",
                                  headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8))
        let response = HTTPResponse(status: 200, headers: [HTTPHeader("X-Echo", "second-rotated-secret-value")],
                                    body: Array(#"{"echo":"first-rotated-secret-value the-legacy-secret-value"}"#.utf8), effectiveURL: request.url)
        let exchange = Exchange(request: request, response: response, transportError: nil, seconds: 0.01)
        let finding = Finding(oracle: .impostorSignIn, message: "signed in with \(impostor)", evidence: [Evidence("sign-in", exchange)])
        let cases = [CaseResult(name: "sign-in as bob with \(password)", criterion: "SC-003", seconds: 0, outcome: .failed([finding])),
                     CaseResult(name: "ok", criterion: "SC-003", seconds: 0, outcome: .passed, evidence: [Evidence("sign-in", exchange)])]
        let suite = SuiteResult(scenarioID: "s", criterion: "SC-003", title: "t", file: "s.json", startedAt: Date(), seconds: 0, cases: cases)
        let run = RunResult(runID: "rx", startedAt: Date(), seconds: 0, target: [("auth", "https://user:\(password)@auth.example")],
                            suites: [suite], notes: ["note \(impostor)"])
        let outputs = [JUnitReport.render(run, redactor: redactor), ResultsJSON.render(run, redactor: redactor),
                       SummaryMarkdown.render(run, redactor: redactor), HTMLReport.render(run, redactor: redactor)]
        for output in outputs {
            for secret in [password, impostor, "first-rotated-secret-value", "second-rotated-secret-value", "the-legacy-secret-value"] {
                #expect(!output.contains(secret), "a secret of length \(secret.count) leaked")
            }
            #expect(output.contains(Redactor.mask))
        }
        #expect(redactor.secondsSpent > 0, "the redactor counts its own time")
    }
}
