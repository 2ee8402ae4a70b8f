/// Taint markers: every record the harness creates carries one in each text field, so that a
/// response delivered to anyone but its owner can be caught by content, whatever its status.
/// Format: `cf<run id>u<user>n<sequence>` — letters and digits only, so no API mangles it.
public final class Markers: Sendable {
    public let runID: String
    private let state = Locked<(seq: Int, owners: [String: String])>((0, [:]))

    public init(runID: String) { self.runID = runID }

    /// A fresh marker owned by `owner` (a user id), or by nobody when `owner` is nil.
    public func make(owner: String?, label: String = "x") -> String {
        state.withLock { s in
            s.seq += 1
            let m = "cf\(runID)\(label.filter { $0.isLetter || $0.isNumber })n\(s.seq)"
            if let owner { s.owners[m] = owner }
            return m
        }
    }

    public var prefix: String { "cf\(runID)" }

    /// The markers found in a text with the user each belongs to.
    public func found(in text: String) -> [(marker: String, owner: String)] {
        guard text.contains(prefix) else { return [] }
        let owners = state.current.owners
        var out: [(String, String)] = []
        var rest = Substring(text)
        while let r = rest.range(of: prefix) {
            var end = r.upperBound
            while end < rest.endIndex, rest[end].isLetter || rest[end].isNumber { end = rest.index(after: end) }
            let m = String(rest[r.lowerBound..<end])
            if let o = owners[m] { out.append((m, o)) }
            rest = rest[end...]
        }
        return out
    }

    /// Markers of users other than `viewer` in a text: each one is a leak.
    public func foreign(in text: String, viewer: String?) -> [(marker: String, owner: String)] {
        found(in: text).filter { $0.owner != viewer }
    }

    /// Markers of users other than `viewer` in an answer that its request did not carry (URL,
    /// headers, body): a probe that sends another user's marker as a search term, or a body
    /// FastAPI sends back in a 422 (`"input": ...`), gets an echo, not a leak.
    public func leaked(in ex: Exchange, viewer: String?) -> [(marker: String, owner: String)] {
        let found = foreign(in: ex.bodyText, viewer: viewer)
        guard !found.isEmpty else { return [] }
        // Whole markers, not substrings: `…n1` sent does not excuse `…n12` received.
        let sent = Set(self.found(in: ex.requestText).map(\.marker))
        return found.filter { !sent.contains($0.marker) }
    }
}
