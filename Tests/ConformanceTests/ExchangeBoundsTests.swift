import Foundation
import ConformanceHTTP
import Testing
@testable import Conformance

/// What the harness does with a hostile answer after the transfer is bounded: a body cut at
/// the cap is not parsed, evidence decodes and redacts only what it shows, and each body is
/// decoded and parsed at most once however many oracles ask.
@Suite struct ExchangeBoundsTests {
    static func exchange(body: [UInt8], truncated: Bool = false, headers: [HTTPHeader] = [],
                         headersTruncated: Bool = false) -> Exchange {
        let request = HTTPRequest(method: "GET", url: "https://api.example/api/tasks")
        let response = HTTPResponse(status: 200, headers: headers, body: body, bodyTruncated: truncated,
                                    headersTruncated: headersTruncated, effectiveURL: request.url)
        return Exchange(request: request, response: response, transportError: nil, seconds: 0.01)
    }

    @Test func aTruncatedBodyIsNotJSON() {
        // Valid JSON up to the cut: still not a document, and never parsed.
        let body = Array(("[" + String(repeating: "1,", count: 1000)).utf8)
        #expect(Self.exchange(body: body, truncated: true).json == nil)
        #expect(Self.exchange(body: Array("[1,2]".utf8)).json == .array([.number(1), .number(2)]))
    }

    @Test func deepNestingIsRefusedNotRecursed() {
        let depth = 4 << 20
        let body = [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
        #expect(Self.exchange(body: body).json == nil)
    }

    @Test func aLongStringParsesOnceAndIsShared() {
        let body = Array(("{\"s\":\"" + String(repeating: "a", count: 1 << 20) + "\"}").utf8)
        let ex = Self.exchange(body: body)
        let copy = ex
        #expect(ex.json?["s"]?.stringValue?.count == 1 << 20)
        #expect(copy.json?["s"]?.stringValue?.count == 1 << 20)
        #expect(ex.bodyText.utf8.count == body.count)
    }

    @Test func replacingTheResponseDropsWhatWasDerived() {
        var ex = Self.exchange(body: Array("[1]".utf8))
        #expect(ex.json == .array([.number(1)]))
        ex.response?.body = Array("[2]".utf8)
        #expect(ex.json == .array([.number(2)]))
        #expect(ex.bodyText == "[2]")
    }

    /// The evidence of an 8 MB body is the size of its first kilobytes, with a note of the
    /// real size, and a secret near the cut is still masked.
    @Test func evidenceOfAHugeBodyIsBounded() throws {
        let secret = "s3cret-token-value-42"
        let filler = String(repeating: "é", count: 1000)
        let body = Array((filler + secret + String(repeating: "x", count: 8 << 20)).utf8)
        let redactor = Redactor()
        redactor.add(secret)
        let shown = Self.exchange(body: body, truncated: true).shown(redactor, bodyLimit: 1010)
        let text = try #require(shown.responseBody)
        #expect(text.count < 1200)
        #expect(!text.contains(secret))
        #expect(text.contains("of \(body.count) bytes"))
    }

    @Test func droppedHeadersAreNotedInTheEvidence() {
        let ex = Self.exchange(body: [], headers: [HTTPHeader("X-A", "1")], headersTruncated: true)
        let shown = ex.shown(Redactor())
        #expect(shown.responseHeaders.count == 2)
        #expect(shown.responseHeaders.last?.contains("header limit") == true)
    }

    /// The marker scan reads bytes: a marker in a huge body of non-ASCII text is found, one
    /// glued to a non-ASCII letter still counts, and a longer marker is not the shorter one.
    @Test func markersAreFoundInHugeNonASCIIBodies() {
        let markers = Markers(runID: "rbounds")
        let alice = markers.make(owner: "alice", label: "ua")
        let bob = markers.make(owner: "bob", label: "ub")
        #expect(markers.make(owner: nil, label: "zoë").contains("zo") && !markers.make(owner: nil, label: "é").contains("é"))
        let noise = String(repeating: "\u{FFFD}é…", count: 1 << 20)
        let text = noise + alice + "é " + bob + "7 " + noise
        let found = markers.found(in: text)
        #expect(found.map(\.marker) == [alice])
        #expect(found.first?.owner == "alice")
        #expect(markers.foreign(in: alice + " " + bob, viewer: "alice").map(\.owner) == ["bob"])
    }
}
