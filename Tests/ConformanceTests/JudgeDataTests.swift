import Testing
@testable import Conformance

/// The data checks' oracles on hand-built observations: no server, no database. Each rule is fed
/// an observation that breaks it, one that keeps it, and its edge cases (what it cannot see).
@Suite struct JudgeDataTests {
    static let alice = MassAssignmentOracle.Party(id: "alice-id", name: "alice")
    static let bob = MassAssignmentOracle.Party(id: "bob-id", name: "bob")

    static func row(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs)) }

    // MARK: mass assignment

    @Test func massAssignmentNeedsAnObjectToUpdate() {
        let f = MassAssignmentOracle.updateTarget(id: nil)
        #expect(f?.oracle == .setupFailed)
        #expect(f?.message == "could not create an object to update")
        #expect(MassAssignmentOracle.updateTarget(id: "7") == nil)
    }

    @Test func massAssignmentAnswerIsRefusedAcceptedOrBroken() {
        // Blind by design: any refusal passes, whatever its reason (401 included).
        for status in [400, 401, 403, 404, 422, 500] {
            guard case .refused = MassAssignmentOracle.answer(operation: "create", status: status, id: nil) else {
                Issue.record("\(status) should be a refusal"); continue
            }
        }
        guard case .accepted(let id) = MassAssignmentOracle.answer(operation: "create", status: 201, id: "7") else {
            Issue.record("a 201 with an id is accepted"); return
        }
        #expect(id == "7")
        guard case .broken(let f) = MassAssignmentOracle.answer(operation: "create", status: 201, id: nil) else {
            Issue.record("a 201 without an id breaks the spec"); return
        }
        #expect(f.oracle == .specMismatch)
        #expect(f.message == "the create answered 201 without an id")
    }

    @Test func massAssignmentRowMustBeOwnedByTheCaller() {
        func judge(_ row: JSONValue?) -> Finding? {
            MassAssignmentOracle.row(row, operation: "update", status: 200, id: "7", idColumn: "id", table: "public.tasks",
                                     caller: Self.bob, victim: Self.alice)
        }
        #expect(judge(Self.row([("id", .string("7")), ("owner", .string("bob-id"))])) == nil)

        let stolen = judge(Self.row([("owner", .string("alice-id"))]))
        #expect(stolen?.oracle == .massAssignment)
        #expect(stolen?.message == "the row is owned by alice (the id put in the body), not by the caller bob")

        let third = judge(Self.row([("owner", .string("carol-id"))]))
        #expect(third?.oracle == .massAssignment)
        #expect(third?.message == "the row is owned by carol-id, not by the caller bob")

        let nobody = judge(Self.row([("id", .string("7"))]))
        #expect(nobody?.oracle == .massAssignment)
        #expect(nobody?.message == "the row is owned by nobody, not by the caller bob")

        let gone = judge(nil)
        #expect(gone?.oracle == .lostWrite)
        #expect(gone?.message == "the update answered 200 but no row with id = 7 is in public.tasks")
    }

    // MARK: injection

    @Test func injectionNeedsAPlainCreateFirst() {
        #expect(InjectionOracle.plainCreate(id: nil)?.oracle == .setupFailed)
        #expect(InjectionOracle.plainCreate(id: nil)?.message == "a create with ordinary text did not return an object; the injection probes cannot be judged")
        #expect(InjectionOracle.plainCreate(id: "1") == nil)
    }

    @Test func hostileTextCreateIsStoredOrRefusedAsInvalid() {
        for status in [400, 413, 422] {
            guard case .refused = InjectionOracle.createAnswer(status: status, id: nil) else { Issue.record("\(status) is a validation refusal"); continue }
        }
        guard case .accepted(let id) = InjectionOracle.createAnswer(status: 201, id: "9") else { Issue.record("201 with an id is stored"); return }
        #expect(id == "9")

        func broken(_ status: Int, _ id: String? = nil) -> Finding? {
            if case .broken(let f) = InjectionOracle.createAnswer(status: status, id: id) { return f }
            return nil
        }
        #expect(broken(500)?.oracle == .injectionError)
        #expect(broken(500, "9")?.message == "answered 500 to a hostile string")
        for status in [401, 403, 404, 409] {
            #expect(broken(status)?.oracle == .injectionError)
            #expect(broken(status)?.message == "answered \(status) to a hostile string; expected it stored, or refused as invalid (400/413/422)")
        }
        #expect(broken(201)?.oracle == .specMismatch)
        #expect(broken(201)?.message == "the create answered 201 without an object id")
    }

    @Test func hostileTextIsStoredVerbatim() {
        let payload = "m1 '; DROP TABLE tasks; --"
        let sent = JSONObject([("title", .string(payload)), ("notes", .string("m1 <script>"))])
        func judge(_ row: JSONValue?) -> Finding? {
            InjectionOracle.storedRow(row, sent: sent, textFields: ["title", "notes"], status: 201, id: "9")
        }
        #expect(judge(Self.row([("id", .number(9)), ("title", .string(payload)), ("notes", .string("m1 <script>"))])) == nil)

        let mangled = judge(Self.row([("title", .string("m1 \\'; DROP TABLE tasks; --")), ("notes", .string("m1 &lt;script&gt;"))]))
        #expect(mangled?.oracle == .injectionError)
        #expect(mangled?.message == "stored title, notes differ from what was sent")

        let lost = judge(nil)
        #expect(lost?.oracle == .lostWrite)
        #expect(lost?.message == "the create answered 201 but no row with id 9 is stored")

        // Edge: a text field the row does not hold is not compared (the table does not store it).
        #expect(judge(Self.row([("title", .string(payload))])) == nil)
    }

    @Test func hostileIdsAndQueriesInOrderOfGravity() {
        func judge(_ status: Int, markers: Int = 0, allowSuccess: Bool = false) -> Finding? {
            InjectionOracle.refusal(status: status, foreignMarkers: markers, allowSuccess: allowSuccess)
        }
        let leak = judge(500, markers: 2)
        #expect(leak?.oracle == .crossUserRead, "another user's data outweighs the server error")
        #expect(leak?.message == "a hostile value returned 2 marker(s) of other users")
        #expect(judge(404, markers: 1, allowSuccess: true)?.oracle == .crossUserRead)

        #expect(judge(502)?.oracle == .injectionError)
        #expect(judge(502, allowSuccess: true)?.message == "answered 502 to a hostile value")

        let accepted = judge(200)
        #expect(accepted?.oracle == .injectionError)
        #expect(accepted?.message == "a hostile id was accepted with 200")
        #expect(judge(200, allowSuccess: true) == nil, "a list may answer a hostile query parameter")

        for status in [400, 404, 422] { #expect(judge(status) == nil) }
        // Blind today: a refusal for the credentials passes the probe, though it never reached the handler.
        #expect(judge(401) == nil)
        #expect(judge(403, allowSuccess: true) == nil)
    }

    @Test func injectionLeavesExactlyTheIntendedRows() {
        #expect(InjectionOracle.rowsAfterwards(stored: ["1", "2"], expected: ["2", "1"], user: "alice") == nil)
        let dropped = InjectionOracle.rowsAfterwards(stored: ["1"], expected: ["1", "2", "3"], user: "alice")
        #expect(dropped?.oracle == .injectionError)
        #expect(dropped?.message == "alice has 1 row(s), expected 3 (missing: 2, unexpected: 0)")
        let added = InjectionOracle.rowsAfterwards(stored: ["1", "x"], expected: ["1"], user: "alice")
        #expect(added?.message == "alice has 2 row(s), expected 1 (missing: 0, unexpected: 1)")
        // Same count, other ids: still wrong.
        #expect(InjectionOracle.rowsAfterwards(stored: ["1", "x"], expected: ["1", "2"], user: "alice")?.oracle == .injectionError)
    }

    // MARK: concurrency

    @Test func concurrentRequestsThatFailAreCounted() {
        #expect(ConcurrencyOracle.requestFailed(status: nil, transportFailed: true))
        #expect(ConcurrencyOracle.requestFailed(status: 500, transportFailed: false))
        #expect(ConcurrencyOracle.requestFailed(status: 503, transportFailed: false))
        #expect(!ConcurrencyOracle.requestFailed(status: 200, transportFailed: false))
        // A refusal is no server error: it is counted as refused, and makes the phase not judged.
        #expect(!ConcurrencyOracle.requestFailed(status: 401, transportFailed: false))
        #expect(!ConcurrencyOracle.requestFailed(status: 404, transportFailed: false))
        #expect(ConcurrencyOracle.refused(status: 401, transportFailed: false))
        #expect(ConcurrencyOracle.refused(status: 404, transportFailed: false))
        #expect(ConcurrencyOracle.refused(status: 422, transportFailed: false))
        #expect(!ConcurrencyOracle.refused(status: 500, transportFailed: false), "a server error is an error, not a refusal")
        #expect(!ConcurrencyOracle.refused(status: 201, transportFailed: false))
        #expect(!ConcurrencyOracle.refused(status: nil, transportFailed: true))
        #expect(ConcurrencyOracle.createFailed(id: nil, status: 201))
        #expect(!ConcurrencyOracle.createFailed(id: "1", status: 201))
        #expect(!ConcurrencyOracle.createFailed(id: nil, status: 401), "a refused create is a refusal, not a server error")
    }

    @Test func concurrencyLeaksAndErrors() {
        #expect(ConcurrencyOracle.leaks(0) == nil)
        #expect(ConcurrencyOracle.leaks(1)?.oracle == .crossUserRead, "one leaky answer is enough")
        let leak = ConcurrencyOracle.leaks(2)
        #expect(leak?.oracle == .crossUserRead)
        #expect(leak?.message == "2 answer(s) under concurrency held another user's markers: state shared between requests")

        #expect(ConcurrencyOracle.errors(0, of: 40) == nil)
        // Blind edge: no request at all is no error either.
        #expect(ConcurrencyOracle.errors(0, of: 0) == nil)
        #expect(ConcurrencyOracle.errors(1, of: 40)?.oracle == .serverError, "one failed request is enough")
        let errors = ConcurrencyOracle.errors(3, of: 40)
        #expect(errors?.oracle == .serverError)
        #expect(errors?.message == "3 of 40 requests failed, answered 5xx, or created nothing")
    }

    // MARK: API = database

    @Test func apiDatabaseAnswersToCompare() {
        #expect(APIDatabaseOracle.created(id: nil)?.oracle == .setupFailed)
        #expect(APIDatabaseOracle.created(id: nil)?.message == "the create did not return an object with an id")
        #expect(APIDatabaseOracle.created(id: "1") == nil)

        let object = JSONObject([("id", .string("1"))])
        guard case .compare(let got) = APIDatabaseOracle.answer(operation: .update, status: 200, object: object, resource: "tasks") else {
            Issue.record("a 200 with an object is compared"); return
        }
        #expect(got == object)

        func broken(_ op: Operation, _ status: Int, _ object: JSONObject?) -> Finding? {
            if case .broken(let f) = APIDatabaseOracle.answer(operation: op, status: status, object: object, resource: "tasks") { return f }
            return nil
        }
        #expect(broken(.get, 404, object)?.oracle == .specMismatch)
        #expect(broken(.get, 404, object)?.message == "get answered 404")
        #expect(broken(.update, 401, nil)?.message == "update answered 401")
        #expect(broken(.update, 200, nil)?.oracle == .specMismatch)
        #expect(broken(.update, 200, nil)?.message == "the answer holds no tasks object")
        #expect(broken(.toggle, 500, nil)?.message == "toggle answered 500", "a failed toggle is no skip")

        guard case .skip(let reason) = APIDatabaseOracle.answer(operation: .toggle, status: 204, object: nil, resource: "tasks") else {
            Issue.record("a toggle without an object is skipped"); return
        }
        #expect(reason == "the toggle answered no object to compare")
    }

    @Test func apiAnswerEqualsTheStoredRow() {
        let api = JSONObject([("id", .number(1)), ("title", .string("milk")), ("createdAt", .string("2024-05-01T10:00:00.000Z")),
                              ("computed", .bool(true))])
        func judge(_ row: JSONObject?) -> Finding? {
            APIDatabaseOracle.row(api: api, row: row, id: "1", idColumn: "id", table: "public.tasks")
        }
        // Timestamps compare as instants, ids by their text; a computed field is not compared.
        #expect(judge(JSONObject([("id", .string("1")), ("title", .string("milk")), ("createdAt", .string("2024-05-01 10:00:00"))])) == nil)

        let differs = judge(JSONObject([("id", .string("1")), ("title", .string("eggs"))]))
        #expect(differs?.oracle == .databaseMismatch)
        #expect(differs?.message == #"title: API "milk", database "eggs""#)

        let gone = judge(nil)
        #expect(gone?.oracle == .lostWrite)
        #expect(gone?.message == "no row with id = 1 in public.tasks")
    }

    @Test func aUsersListEqualsTheUsersRows() {
        #expect(APIDatabaseOracle.noList().oracle == .specMismatch)
        #expect(APIDatabaseOracle.noList().message == "the answer holds no list")
        #expect(APIDatabaseOracle.list(api: ["1", "2"], database: ["2", "1"], user: "alice") == nil)

        let leak = APIDatabaseOracle.list(api: ["1", "9"], database: ["1"], user: "alice")
        #expect(leak?.oracle == .crossUserRead)
        #expect(leak?.message == "the API lists 1 object(s) that are not alice's rows: 9")

        let lost = APIDatabaseOracle.list(api: ["1"], database: ["1", "2"], user: "alice")
        #expect(lost?.oracle == .lostWrite)
        #expect(lost?.message == "1 of alice's rows are missing from the list: 2")

        let both = APIDatabaseOracle.list(api: ["8", "9"], database: ["1"], user: "alice")
        #expect(both?.oracle == .crossUserRead, "a leak outweighs a lost write")
        #expect(both?.message == "the API lists 2 object(s) that are not alice's rows: 8, 9; 1 of alice's rows are missing from the list: 1")

        // At most five ids are named.
        let many = APIDatabaseOracle.list(api: Set((1...7).map(String.init)), database: [], user: "alice")
        #expect(many?.message == "the API lists 7 object(s) that are not alice's rows: 1, 2, 3, 4, 5")
    }

    // MARK: rows in this database

    @Test func aCreatedRowMustHoldItsMarkerInThisDatabase() {
        #expect(RowsInDatabaseOracle.created(status: 201, id: nil)?.oracle == .setupFailed)
        #expect(RowsInDatabaseOracle.created(status: 401, id: nil)?.message == "the create answered 401 without an object id")
        #expect(RowsInDatabaseOracle.created(status: 201, id: "7") == nil)

        let marker = "cfrunaliceN1"
        func judge(_ row: JSONValue?, holders: [String] = []) -> Finding? {
            RowsInDatabaseOracle.judge(row: row, marker: marker, holders: holders, status: 201, resource: "tasks", id: "7",
                                       idColumn: "id", place: "neon.tech/app")
        }
        let mine = Self.row([("id", .string("7")), ("title", .string("\(marker) milk"))])
        #expect(judge(mine) == nil)
        #expect(judge(mine, holders: ["3"]) == nil, "the row with the id holds the marker: found")

        let unrelated = Self.row([("id", .string("7")), ("title", .string("someone else's"))])
        let moved = judge(unrelated, holders: ["3", "4"])
        #expect(moved?.oracle == .databaseMismatch)
        #expect(moved?.message == "the API answered 201 for tasks 7 but the row with its marker in neon.tech/app has id 3")

        let elsewhere = judge(nil)
        #expect(elsewhere?.oracle == .writtenElsewhere)
        #expect(elsewhere?.message == "the API answered 201 for tasks 7 but no row with its marker is in neon.tech/app: the API writes to another database")

        let collision = judge(unrelated)
        #expect(collision?.oracle == .writtenElsewhere, "an id alone proves nothing")
        #expect(collision?.message == "the API answered 201 for tasks 7 but no row with its marker is in neon.tech/app (a row with id 7 exists but is another object): the API writes to another database")
    }

    // MARK: ownership

    @Test func everyOwnedRowBelongsToAnExistingUser() {
        let none = OwnershipOracle.tables(count: 0, userTable: "user")
        #expect(none?.oracle == .specMismatch)
        #expect(none?.message == "no table references user and the target names none that exists")
        #expect(OwnershipOracle.tables(count: 2, userTable: "user") == nil)

        #expect(OwnershipOracle.orphans(Self.row([("orphans", .number(0)), ("unowned", .number(0))]), table: "public.tasks", userTable: "user") == nil)
        let orphans = OwnershipOracle.orphans(Self.row([("orphans", .number(3)), ("unowned", .number(1))]), table: "public.tasks", userTable: "user")
        #expect(orphans?.oracle == .orphanRow)
        #expect(orphans?.message == "3 row(s) of public.tasks reference no user in user (1 with no owner at all)")
        #expect(OwnershipOracle.orphans(Self.row([("orphans", .number(2))]), table: "t", userTable: "user")?.message
                == "2 row(s) of t reference no user in user (0 with no owner at all)")
        // Blind edge: a count row without `orphans` (or not a number) reads as none.
        #expect(OwnershipOracle.orphans(Self.row([("unowned", .number(4))]), table: "t", userTable: "user") == nil)
        #expect(OwnershipOracle.orphans(Self.row([("orphans", .string("3"))]), table: "t", userTable: "user") == nil)
    }
}
