import Testing
@testable import Conformance

/// API = database treats a consistent, lossless representation as equal (with a note) and only a
/// real difference as `DatabaseMismatch`; the forged-credential and impostor verdicts pass only
/// what their control proves.
@Suite struct StoredRepresentationTests {
    @Test func anEnumStoredByNameEqualsItsValue() {
        let api = JSONObject([("priority", "medium"), ("state", "in-progress"), ("title", "Buy milk")])
        let row = JSONObject([("priority", "MEDIUM"), ("state", "IN_PROGRESS"), ("title", "Buy milk")])
        #expect(FieldComparison.differences(api: api, row: row).isEmpty)
        let notes = FieldComparison.equivalences(api: api, row: row)
        #expect(notes.count == 2 && notes.allSatisfy { $0.contains("an enum stored by its name") }, "\(notes)")
        // A real difference stays one, and so does a changed case in text the harness wrote.
        #expect(FieldComparison.differences(api: JSONObject([("priority", "high")]), row: JSONObject([("priority", "MEDIUM")])).count == 1)
        #expect(FieldComparison.match("Buy milk", "BUY MILK") == .different, "not an identifier: a changed title")
        #expect(FieldComparison.match("cfrunxannan12", "CFRUNXANNAN12") == .different, "an upper-cased marker is a changed marker")
        #expect(FieldComparison.differences(api: JSONObject([("title", "done")]), row: JSONObject([("title", "DONE")]), exact: ["title"]).count == 1)
        #expect(FieldComparison.differences(api: JSONObject([("title", "done")]), row: JSONObject([("title", "DONE")])).isEmpty)
    }

    @Test func idsAndBooleansInTheirTextFormsAreEqual() {
        #expect(FieldComparison.match(.number(42), "42") == .equivalent("a number and its text form"))
        #expect(FieldComparison.match("42", .number(43)) == .different)
        #expect(FieldComparison.match(.bool(true), "t") == .equivalent("a boolean and its text form"))
        #expect(FieldComparison.match(.bool(false), "t") == .different)
        #expect(FieldComparison.match("3F2504E0-4F89-11D3-9A0C-0305E82C3301", "3f2504e0-4f89-11d3-9a0c-0305e82c3301")
            == .equivalent("one UUID in another case"))
    }

    @Test func oneInstantInTwoNotationsIsEqualAtTheCoarserPrecision() {
        func equal(_ a: String, _ b: String) -> Bool { if case .equivalent = FieldComparison.match(.string(a), .string(b)) { return true } else { return false } }
        #expect(equal("2026-01-01T10:00:00.123456+00:00", "2026-01-01 10:00:00.123456+00"))
        #expect(equal("2026-01-01T12:00:00.123456+02:00", "2026-01-01 10:00:00.123456+00"), "another zone, same instant")
        #expect(equal("2026-01-01T10:00:00.123Z", "2026-01-01 10:00:00.123456+00"), "milliseconds against microseconds")
        #expect(equal("2026-01-01T10:00:00", "2026-01-01 10:00:00.654321+00"), "seconds only, naive read as UTC, truncated")
        #expect(equal("2026-01-01T10:00:01Z", "2026-01-01 10:00:00.654321+00"), "seconds only, rounded")
        #expect(!equal("2026-01-01T10:00:02Z", "2026-01-01 10:00:00.654321+00"))
        #expect(FieldComparison.match("2026-01-01T12:00:00.123456", "2026-01-01 10:00:00.123456+00") == .different,
                "a naive local time two hours off is another instant")
        guard case .equivalent(let how) = FieldComparison.match("2026-01-01T10:00:00.123Z", "2026-01-01 10:00:00.123456+00") else { return }
        #expect(how.contains("3 and 6 fractional digits") && how.contains("zone Z and +00"), "\(how)")
    }

    @Test func theOracleFailsOnlyARealDifference() {
        let api = JSONObject([("id", .number(7)), ("priority", "low"), ("title", "cfrunannan1")])
        #expect(APIDatabaseOracle.row(api: api, row: JSONObject([("id", "7"), ("priority", "LOW"), ("title", "cfrunannan1")]),
                                      id: "7", idColumn: "id", table: "public.t", exact: ["title"]) == nil)
        let f = APIDatabaseOracle.row(api: api, row: JSONObject([("id", "7"), ("priority", "HIGH"), ("title", "cfrunannan1")]),
                                      id: "7", idColumn: "id", table: "public.t", exact: ["title"])
        #expect(f?.oracle == .databaseMismatch)
        #expect(f?.message == #"priority: API "low", database "HIGH""#)
    }

    // MARK: forged credentials against their control

    @Test func aRefusalPassesOnlyWhenTheGenuineTokenWasAcceptedOnTheSameCall() {
        func judge(_ status: Int, _ control: Int?, changed: Bool = false, claim: String? = nil) -> ForgedCredentialOracle.Verdict {
            ForgedCredentialOracle.judge(status: status, controlStatus: control, deny: [401], probeOracle: .forgedTokenAccepted,
                                         rowChanged: changed, claimNotIssued: claim)
        }
        #expect(judge(401, 200) == .refused)
        #expect(judge(200, 200) == .breach([.forgedTokenAccepted]))
        #expect(judge(200, 404) == .breach([.forgedTokenAccepted]), "an acceptance needs no control")
        #expect(judge(404, 200) == .breach([.denialStatus]))
        #expect(judge(500, 201) == .breach([.denialStatus]), "a 5xx is no pass")
        #expect(judge(401, 200, changed: true) == .breach([.silentWrite]))
        #expect(judge(500, 200, changed: true) == .breach([.denialStatus, .silentWrite]))
        for control in [401, 404, 422, 500] as [Int?] + [nil] {
            guard case .notJudged(let why) = judge(401, control) else { Issue.record("control \(String(describing: control))"); continue }
            #expect(why.contains("the genuine token got"))
        }
        guard case .notJudged(let why) = judge(200, 200, claim: "iss") else { Issue.record("a claim the app never issues"); return }
        #expect(why.contains("carry no iss"))
        #expect(judge(401, 200, claim: "iss") == .refused)
    }

    // MARK: the impostor's data

    @Test func theImpostorsReadsAndWriteAreJudgedOnTheVictimsData() {
        #expect(ImpostorOracle.impostorRead(status: 200, victimMarkers: 2, controlStatus: 200, what: "reads bob's tasks #1", victim: "bob")
            == .breach(.crossUserRead, "an impostor signed in with bob's email and a wrong password reads bob's tasks #1: the answer (200) holds 2 marker(s) of bob's data"))
        guard case .breach(.crossUserRead, _) = ImpostorOracle.impostorRead(status: 404, victimMarkers: 1, controlStatus: nil, what: "x", victim: "bob") else {
            Issue.record("the victim's marker is a leak whatever the status"); return
        }
        #expect(ImpostorOracle.impostorRead(status: 401, victimMarkers: 0, controlStatus: 200, what: "x", victim: "bob")
            == .kept(title: "refused", note: "the impostor's token got 401; bob's own got 200"))
        guard case .notJudged = ImpostorOracle.impostorRead(status: 401, victimMarkers: 0, controlStatus: 403, what: "x", victim: "bob"),
              case .notJudged = ImpostorOracle.impostorRead(status: 200, victimMarkers: 0, controlStatus: 200, what: "x", victim: "bob") else {
            Issue.record("a refusal without a control, or an answer without the victim's data, proves nothing"); return
        }
        let audit = [Finding(oracle: .silentWrite, message: "tasks 7 of user bob-id was changed by someone else: title is \"x\"")]
        let write = ImpostorOracle.impostorWrite(status: 200, audit: audit, audited: true, victim: "bob")
        #expect(write.map(\.oracle) == [.crossUserWrite, .crossUserWrite])
        #expect(write.last?.message.hasPrefix("database audit: tasks 7") == true)
        #expect(ImpostorOracle.impostorWrite(status: 401, audit: [], audited: true, victim: "bob").isEmpty)
        #expect(ImpostorOracle.impostorWrite(status: 404, audit: audit, audited: true, victim: "bob").map(\.oracle) == [.crossUserWrite],
                "refused, yet the row changed")
    }
}
