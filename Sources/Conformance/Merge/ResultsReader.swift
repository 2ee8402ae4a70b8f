import Foundation

/// A shard's results.json read back into the `RunResult` its reports were rendered from, so
/// that `merge` renders the whole with the same renderers as a run. Everything in the file was
/// redacted when the shard wrote it; nothing here adds text the shard did not write.
public enum ResultsReader {
    public static func read(file: String) throws -> RunResult {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw MergeError("\(file): cannot be read (is this a reports folder of `conformance run`?)")
        }
        let root: JSONValue
        do { root = try JSONParser.parse([UInt8](data)) } catch {
            throw MergeError("\(file): not JSON (\(error))")
        }
        return try run(Node(root, file: file))
    }

    static func run(_ n: Node) throws -> RunResult {
        var run = RunResult(runID: try n["runId"].string(), startedAt: try n["startedAt"].date(), seconds: try n["seconds"].double(),
                            target: try n["target"].object().map { ($0.key, try $0.value.string()) },
                            suites: try n["suites"].array().map(suite), notes: try n["notes"].array().map { try $0.string() })
        run.criteria = Dictionary(uniqueKeysWithValues: try n.optional("criterionTexts")?.object().map { entry in
            (entry.key, CriterionInfo(demands: try entry.value["demands"].string(), checkedBy: try entry.value.optional("checkedBy")?.string()))
        } ?? [])
        run.rateLimitWaits = try n["rateLimitWaits"].array().map { w in
            RateLimitWait(route: try w["route"].string(), seconds: try w["seconds"].double(),
                          scenario: try w.optional("scenario")?.string(), gaveUp: try w["gaveUp"].bool())
        }
        if let s = n.optional("signUps") {
            run.signUps = SignUpTime(users: try s["users"].int(), seconds: try s["seconds"].double())
        }
        run.cleanupProblem = try n.optional("cleanupProblem")?.string()
        if let s = n.optional("shard") {
            run.shard = ShardRecord(shard: try Shard(index: try s["index"].int(), total: try s["total"].int()),
                                    selection: try s["selection"].array().map { try $0.string() }, pack: try s["pack"].string())
        }
        return run
    }

    static func suite(_ n: Node) throws -> SuiteResult {
        let file = try n["file"].string()
        return SuiteResult(scenarioID: try n["id"].string(), criterion: try n["criterion"].string(), title: try n["title"].string(),
                           file: file, startedAt: try n.optional("startedAt")?.date() ?? Date(timeIntervalSince1970: 0),
                           seconds: try n["seconds"].double(), cases: try n["cases"].array().map { try testCase($0, suiteFile: file) })
    }

    static func testCase(_ n: Node, suiteFile: String) throws -> CaseResult {
        let outcome: Outcome
        switch try n["outcome"].string() {
        case Outcome.Kind.passed.rawValue: outcome = .passed
        case Outcome.Kind.failed.rawValue:
            outcome = .failed(try n["findings"].array().map { f in
                guard let oracle = Oracle(rawValue: try f["oracle"].string()) else { throw f["oracle"].mistake("a known oracle") }
                return Finding(oracle: oracle, message: try f["message"].string(), evidence: try f["evidence"].array().map(evidence))
            })
        case Outcome.Kind.error.rawValue:
            guard let kind = ErrorKind(rawValue: try n["error"]["kind"].string()) else { throw n["error"]["kind"].mistake("a known error kind") }
            outcome = .error(kind: kind, message: try n["error"]["message"].string())
        case Outcome.Kind.skipped.rawValue: outcome = .skipped(try n["reason"].string())
        case Outcome.Kind.notJudged.rawValue: outcome = .notJudged(try n["reason"].string())
        default: throw n["outcome"].mistake("one of \(Outcome.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var c = CaseResult(name: try n["name"].string(), criterion: try n["criterion"].string(),
                           file: try n.optional("file")?.string() ?? suiteFile, seconds: try n["seconds"].double(), outcome: outcome,
                           evidence: try n.optional("evidence")?.array().map(evidence) ?? [])
        if let step = try n.optional("step")?.string() { c.source.pointer = pointer(step) }
        c.check = try n.optional("check")?.string() ?? ""
        return c
    }

    static func evidence(_ n: Node) throws -> Evidence {
        guard let kind = Evidence.Kind(rawValue: try n["kind"].string()) else { throw n["kind"].mistake("a known evidence kind") }
        var e = Evidence(kind, try n["title"].string(), try n["text"].string(), data: n.optional("data")?.value)
        if let x = n.optional("exchange") {
            e.shown = Exchange.Shown(requestLine: try x["requestLine"].string(), requestHeaders: try x["requestHeaders"].array().map { try $0.string() },
                                     requestBody: try x.optional("requestBody")?.string(), status: try x.optional("status")?.string(),
                                     responseHeaders: try x.optional("responseHeaders")?.array().map { try $0.string() } ?? [],
                                     responseBody: try x.optional("responseBody")?.string(), fault: try x.optional("fault")?.string())
        }
        return e
    }

    /// "/steps/2/probes" back into its tokens (RFC 6901: `~1` is "/", `~0` is "~").
    static func pointer(_ text: String) -> JSONPointer {
        JSONPointer(text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        })
    }

    /// A value in the file and where it is, so that every mistake names the file and the pointer.
    struct Node {
        let value: JSONValue?
        let file: String
        let at: JSONPointer

        init(_ value: JSONValue?, file: String, at: JSONPointer = JSONPointer()) {
            self.value = value
            self.file = file
            self.at = at
        }

        subscript(key: String) -> Node { Node(value?[key], file: file, at: at / key) }
        /// nil when the key is absent (or null): fields later versions added are optional.
        func optional(_ key: String) -> Node? {
            guard let v = value?[key], v != .null else { return nil }
            return Node(v, file: file, at: at / key)
        }

        func mistake(_ expected: String) -> MergeError {
            MergeError("\(file) at \(at): expected \(expected), found \(value.map { $0.typeName } ?? "nothing")")
        }

        func string() throws -> String {
            guard let s = value?.stringValue else { throw mistake("a string") }
            return s
        }
        func double() throws -> Double {
            guard let d = value?.numberValue, d.isFinite else { throw mistake("a number") }
            return d
        }
        func int() throws -> Int {
            guard let i = value?.intValue else { throw mistake("a whole number") }
            return i
        }
        func bool() throws -> Bool {
            guard let b = value?.boolValue else { throw mistake("true or false") }
            return b
        }
        func date() throws -> Date {
            guard let s = value?.stringValue, let d = ISO8601DateFormatter().date(from: s) else { throw mistake("an ISO 8601 time") }
            return d
        }
        func array() throws -> [Node] {
            guard let items = value?.arrayValue else { throw mistake("an array") }
            return items.enumerated().map { Node($0.element, file: file, at: at / $0.offset) }
        }
        func object() throws -> [(key: String, value: Node)] {
            guard let o = value?.objectValue else { throw mistake("an object") }
            return o.pairs.map { ($0.key, Node($0.value, file: file, at: at / $0.key)) }
        }
    }
}

public struct MergeError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
