import Foundation
import Testing
@testable import Conformance

/// `conformance doctor` tells the truth about the target: it makes one user the way a run does
/// and removes it, holds the mapped routes and tables against the app, honours `expectNeon`, and
/// exits non-zero when a run could not work.
@Suite struct DoctorTests {
    func usersLeft(_ doctor: Doctor) async throws -> Int {
        let db = try await Database.connect(url: try await ReferenceStack.shared().databaseURL)
        defer { db.close() }
        return try await db.read("SELECT count(*) AS n FROM \"user\" WHERE email LIKE $1",
                                 [TestEmails(runID: doctor.runID).likePattern]).first?["n"]?.intValue ?? -1
    }

    func finding(_ findings: [Doctor.Finding], _ subject: String) -> Doctor.Finding? { findings.first { $0.subject == subject } }

    @Test func aHealthyTargetPassesAndItsUserIsGone() async throws {
        let doctor = Doctor(target: try await Harness.target(), redactor: Redactor())
        let findings = await doctor.examine()
        let text = findings.map { "\($0.level) \($0.subject): \($0.detail)" }.joined(separator: "\n")
        #expect(findings.filter(\.blocking).isEmpty, "\(text)")
        for subject in ["sign-up", "sign-in", "token", "API as a user", "clean-up", "routes", "tables"] {
            #expect(finding(findings, subject)?.level == .ok, "\(subject): \(text)")
        }
        #expect(finding(findings, "sign-up")?.detail.contains("cf-\(doctor.runID)-doctor-") == true)
        #expect(try await usersLeft(doctor) == 0, "the doctor's user must be removed")
        // The reference database is not Neon and the default target expects Neon: said, not fatal.
        #expect(finding(findings, "Neon")?.level == .remark)
        #expect(finding(findings, "Neon")?.detail.contains("expectNeon: true") == true)
    }

    @Test func aWrongRouteAndAMissingTableAreNamedAndBlock() async throws {
        var target = try await Harness.target()
        target.expectNeon = false
        target.resources["tasks"]?.routes[.list] = Route(method: "GET", path: "/api/{userId}/todos")
        var notes = Resource.officialTasks
        notes.name = "notes"
        notes.table = "no_such_notes"
        notes.routes = [:]
        target.resources["notes"] = notes
        var columns = Resource.officialTasks
        columns.name = "labels"
        columns.ownerColumn = "owner_uuid"
        columns.routes = [:]
        target.resources["labels"] = columns
        let doctor = Doctor(target: target, redactor: Redactor())
        let findings = await doctor.examine()
        let text = findings.map { "\($0.level) \($0.subject): \($0.detail)" }.joined(separator: "\n")
        let blocking = findings.filter(\.blocking).map(\.detail)
        #expect(blocking.contains { $0.contains("tasks.list GET /api/{userId}/todos") && $0.contains("not in the OpenAPI") }, "\(text)")
        #expect(blocking.contains { $0.contains("\"no_such_notes\" is not in the database") }, "\(text)")
        #expect(blocking.contains { $0.contains("labels") && $0.contains("\"owner_uuid\"") }, "\(text)")
        #expect(!blocking.contains { $0.contains("tasks.create") }, "the routes that are right are not blamed")
        #expect(finding(findings, "Neon")?.level == .ok, "expectNeon: false is honoured")
        // The identity still works, and its user is still removed.
        #expect(finding(findings, "sign-up")?.level == .ok, "\(text)")
        #expect(finding(findings, "clean-up")?.level == .ok, "\(text)")
        #expect(try await usersLeft(doctor) == 0)
    }

    @Test func unreachableAuthBlocksTheSignUp() async throws {
        var target = try await Harness.target()
        target.authURL = "http://127.0.0.1:9"
        let findings = await Doctor(target: target, redactor: Redactor()).examine()
        #expect(finding(findings, "Better Auth")?.blocking == true)
        #expect(finding(findings, "sign-up")?.blocking == true)
        #expect(finding(findings, "sign-up")?.detail.contains("unreachable") == true)
    }

    @Test func theCommandExitsNonZeroNamingTheProblem() async throws {
        let file = NSTemporaryDirectory() + "doctor-target-\(UUID().uuidString).json"
        try Data(#"{"resources": {"tasks": {"table": "no_such_tasks"}}}"#.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in try await ReferenceStack.shared().values { env[k] = v }
        let (status, out) = try await ReferenceStack.run([Harness.binary(), "doctor", "--target", file], environment: env)
        #expect(status == 2, "\(out)")
        #expect(out.contains("FAIL table: tasks: table \"no_such_tasks\" is not in the database"), "\(out)")
        #expect(out.contains("ok   sign-up"), "\(out)")
        #expect(out.contains("ok   clean-up"), "\(out)")
    }

    // MARK: the mapping, pure

    @Test func routesMatchWhateverTheParametersAreCalledAndUnderServerPaths() throws {
        let doc = try JSONParser.parse(Array(#"""
            {"servers": [{"url": "https://api.example/v1/"}],
             "paths": {"/tasks/{user_id}": {"get": {}}, "/api/{uid}/tasks/": {"post": {}}}}
            """#.utf8))
        var r = Resource.officialTasks
        r.routes = [.list: Route(method: "GET", path: "/v1/tasks/{userId}"), .create: Route(method: "POST", path: "/api/{userId}/tasks"),
                    .delete: Route(method: "DELETE", path: "/api/{userId}/tasks/{id}")]
        let missing = TargetMapping.missingRoutes(["tasks": r], openAPI: doc)
        #expect(missing.map(\.description) == ["tasks.delete DELETE /api/{userId}/tasks/{id}"])
    }

    @Test func columnsCheckedAreTheOnesTheRunUses() {
        var r = Resource.officialTasks
        r.columns = ["title": "task_title"]
        r.fields = ["description": "body"]
        #expect(TargetMapping.columns(of: r) == ["id", "user_id", "task_title", "body"])
        #expect(TargetMapping.missingColumns(["id", "x"], present: ["id"]) == ["x"])
        #expect(TargetMapping.missingColumns(["id"], present: []) == nil)
    }
}

/// The doctor through an app's own register/login (`201`, an integer id, `EmailStr`): its user is
/// made and removed from the app's own users table; and an app without login is said to be one.
@Suite struct DoctorOwnIdentityTests {
    @Test func ownLoginUserIsMadeAndRemovedFromTheAppsTable() async throws {
        let stack = try await ReferenceStack.isolated()
        let api = try await ReferenceStack.ExtraAPI(faults: [], shape: "own-login", on: stack)
        defer { api.stop() }
        var target = try await Harness.target(apiURL: api.url, targetFile: "targets/own-login-example.json", stack: stack)
        target.expectNeon = false
        let doctor = Doctor(target: target, redactor: Redactor())
        let findings = await doctor.examine()
        let text = findings.map { "\($0.level) \($0.subject): \($0.detail)" }.joined(separator: "\n")
        #expect(findings.filter(\.blocking).isEmpty, "\(text)")
        for subject in ["sign-up", "sign-in", "token", "API as a user", "clean-up", "routes", "tables"] {
            #expect(findings.first { $0.subject == subject }?.level == .ok, "\(subject): \(text)")
        }
        let db = try await Database.connect(url: stack.databaseURL)
        defer { db.close() }
        let left = try await db.read("SELECT count(*) AS n FROM app_users WHERE email LIKE $1", [TestEmails(runID: doctor.runID).likePattern])
        #expect(left.first?["n"]?.intValue == 0, "the doctor's user must be removed from app_users")
    }

    @Test func anAppWithoutLoginIsSaidToBeOne() async throws {
        let api = try await ReferenceStack.ExtraAPI(faults: [], shape: "no-login")
        defer { api.stop() }
        let target = try await Harness.target(apiURL: api.url, targetFile: "targets/no-login-example.json")
        let findings = await Doctor(target: target, redactor: Redactor()).examine()
        let text = findings.map { "\($0.level) \($0.subject): \($0.detail)" }.joined(separator: "\n")
        #expect(findings.first { $0.subject == "sign-up" }?.detail.contains("no login") == true, "\(text)")
        #expect(findings.first { $0.subject == "routes" }?.level == .ok, "\(text)")
        #expect(!findings.contains { $0.subject == "Better Auth" && $0.blocking }, "Better Auth is not needed without login: \(text)")
    }
}
