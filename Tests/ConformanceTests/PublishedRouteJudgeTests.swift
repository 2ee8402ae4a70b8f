import ConformanceHTTP
import Testing
@testable import Conformance

/// The pure pieces behind the route scan and the injection sweep: reading a route's parameters
/// and body from an OpenAPI document, building a body its validation accepts, and the rules
/// that keep a refusal for the wrong reason from passing.
@Suite struct PublishedRouteJudgeTests {
    /// FastAPI's way of writing things: `$ref` bodies, `anyOf` with null, required query
    /// parameters, a header parameter the harness must leave to itself.
    static let doc: JSONValue = {
        let text = #"""
        {"openapi": "3.1.0", "paths": {
          "/api/{user_id}/tasks/{id}/notes": {
            "parameters": [{"name": "user_id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "post": {
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                             {"name": "authorization", "in": "header", "schema": {"type": "string"}}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NoteCreate"}}}}
            }
          },
          "/api/{user_id}/tasks/search": {
            "get": {"parameters": [
              {"name": "user_id", "in": "path", "required": true, "schema": {"type": "string"}},
              {"name": "q", "in": "query", "required": true, "schema": {"type": "string", "minLength": 1}},
              {"name": "limit", "in": "query", "schema": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]}}
            ]}
          }
        },
        "components": {"schemas": {
          "NoteCreate": {"type": "object", "required": ["text", "kind", "owner_id"], "properties": {
            "text": {"type": "string", "maxLength": 12},
            "kind": {"type": "string", "enum": ["plain", "alert"]},
            "owner_id": {"type": "string"},
            "pinned": {"type": "boolean"},
            "comment": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "user_label": {"type": "string"},
            "meta": {"$ref": "#/components/schemas/Meta"}
          }},
          "Meta": {"type": "object", "properties": {"tag": {"type": "string"}}}
        }}}
        """#
        return (try? JSONParser.parse(text)) ?? .null
    }()

    @Test func readsParametersAndTheResolvedBody() throws {
        let routes = OpenAPI.routes(in: Self.doc)
        let notes = try #require(routes.first { $0.method == "POST" })
        #expect(notes.parameters == ["user_id", "id"])
        // The path item's parameter is inherited; the header one is left out.
        #expect(notes.inputs.map(\.name) == ["user_id", "id"])
        #expect(notes.pathInput("id")?.schema["type"]?.stringValue == "integer")
        let body = try #require(notes.body)
        #expect(body["required"]?.arrayValue?.count == 3)
        #expect(body["properties"]?["comment"]?["type"]?.stringValue == "string")
        #expect(body["properties"]?["comment"]?["nullable"]?.boolValue == true)
        let search = try #require(routes.first { $0.method == "GET" })
        #expect(search.query.map(\.name) == ["q", "limit"])
        #expect(search.query.map(\.required) == [true, false])
        #expect(search.query[1].schema["type"]?.stringValue == "integer")
    }

    @Test func buildsABodyTheSchemaAccepts() throws {
        let schema = try #require(OpenAPI.routes(in: Self.doc).first { $0.method == "POST" }?.body)
        let body = try #require(SchemaSample(text: { "marker-\($0)-long-text" }, userID: "u1", objectID: "7").body(schema))
        #expect(body["text"]?.stringValue == "marker-text-")            // cut to maxLength 12
        #expect(body["kind"]?.stringValue == "plain")                   // the first enum member
        #expect(body["owner_id"]?.stringValue == "u1")                  // required and names a user
        #expect(body["comment"]?.stringValue == "marker-comment-long-text")  // optional text carries a marker
        #expect(body["pinned"] == nil)                                   // optional, not text
        #expect(body["user_label"] == nil)                               // optional and names a user
        #expect(body["meta"] == nil)
        #expect(SchemaSample.textFields(schema) == ["text", "comment"])
    }

    @Test func refusalsProveSomethingOnlyForTheRightReason() {
        typealias O = RouteScanOracle
        // Without credentials: a 401 or 403 is the expected refusal, unless the owner's valid
        // token was refused the same way.
        #expect(O.unproven(status: 401, control: nil, probe: .anonymous) == nil)
        #expect(O.unproven(status: 403, control: 404, probe: .anonymous) == nil)
        #expect(O.unproven(status: 401, control: 200, probe: .anonymous) == nil)
        #expect(O.unproven(status: 401, control: 403, probe: .anonymous)?.contains("the owner's own call answered 403") == true)
        #expect(O.unproven(status: 403, control: 401, probe: .anonymous) != nil)
        // Another user's token: any refusal proves something only when the owner was served.
        #expect(O.unproven(status: 403, control: 200, probe: .crossUser) == nil)
        #expect(O.unproven(status: 404, control: 204, probe: .crossUser) == nil)
        #expect(O.unproven(status: 403, control: 403, probe: .crossUser)?.contains("the owner's own call answered 403") == true)
        #expect(O.unproven(status: 401, control: 404, probe: .crossUser) != nil)
        #expect(O.unproven(status: 403, control: nil, probe: .crossUser)?.contains("could not be made") == true)
        // Any other refusal, from either: only against an owner who was served.
        for probe in [O.Probe.anonymous, .crossUser] {
            #expect(O.unproven(status: 404, control: 200, probe: probe) == nil)
            #expect(O.unproven(status: 404, control: 404, probe: probe)?.contains("the owner's own call answered 404") == true)
            #expect(O.unproven(status: 422, control: 422, probe: probe) != nil)
            #expect(O.unproven(status: 405, control: nil, probe: probe)?.contains("could not be made") == true)
        }
    }

    @Test func identityRoutesAreRecognisedForBothChecks() throws {
        func route(_ method: String, _ path: String) -> OpenAPI.Route { OpenAPI.Route(method: method, path: path, parameters: [], requiresAuth: nil) }
        var target = Target(authURL: "http://auth.test", apiURL: "http://api.test", databaseURL: nil)
        // Home-made auth endings, whatever the target says.
        #expect(PublishedRoutes.isIdentity(route("POST", "/api/auth/register"), target: target))
        #expect(PublishedRoutes.isIdentity(route("POST", "/auth/signup"), target: target))
        #expect(PublishedRoutes.isIdentity(route("POST", "/v1/Users/Login"), target: target))
        #expect(!PublishedRoutes.isIdentity(route("POST", "/api/tasks"), target: target))
        // Better Auth's own routes count only when the API serves them on its origin.
        #expect(!PublishedRoutes.isIdentity(route("POST", "/api/auth/sign-up/email"), target: target))
        target.authURL = "http://api.test"
        #expect(PublishedRoutes.isIdentity(route("POST", "/api/auth/sign-up/email"), target: target))
        #expect(!PublishedRoutes.isIdentity(route("POST", "/api/authors"), target: target))
        // The target's own sign-up and sign-in paths, however they are named.
        target.identity = .custom(CustomIdentity(baseURL: "http://api.test", signUpPath: "/accounts/new", signInPath: "/accounts/open",
                                                 signUpBody: .object([]), signInBody: .object([]),
                                                 tokenPath: try JSONPath("$.token"), userIdPath: try JSONPath("$.id"), users: nil))
        #expect(PublishedRoutes.isIdentity(route("POST", "/accounts/new"), target: target))
        #expect(PublishedRoutes.isIdentity(route("POST", "/accounts/open"), target: target))
        #expect(!PublishedRoutes.isIdentity(route("POST", "/accounts/list"), target: target))
    }

    @Test func anEmailFieldGetsTheRunsOwnAddress() throws {
        let schema: JSONValue = ["type": "object", "required": ["email"], "properties": ["email": ["type": "string", "format": "email"]]]
        let emails = TestEmails(runID: "remail")
        let body = try #require(SchemaSample(text: { $0 }, email: emails.address(for: "sample")).body(schema))
        let address = try #require(body["email"]?.stringValue)
        #expect(emails.owns(address), "\(address)")
    }

    @Test func writesFitAResourceByTheSegmentBeforeTheirObject() {
        let tasks: Set<String> = ["tasks"]
        #expect(RouteScanOracle.fits("/api/tasks/{id}", collection: tasks))
        #expect(RouteScanOracle.fits("/api/{user_id}/tasks/{id}/notes", collection: tasks))
        #expect(RouteScanOracle.fits("/v2/Tasks/{task_id}", collection: tasks))
        #expect(!RouteScanOracle.fits("/api/{user_id}/projects/{id}", collection: tasks))
        #expect(!RouteScanOracle.fits("/api/{user_id}/tasks", collection: tasks))
        #expect(RouteScanOracle.segmentBeforeObject("/api/{userId}/tasks/{id}") { $0 == "id" } == "tasks")
    }

    @Test func hostileValuesAreJudgedAgainstTheirHarmlessCounterpart() {
        func kind(_ v: InjectionOracle.Verdict) -> String {
            switch v {
            case .passed: return "passed"
            case .notJudged: return "not judged"
            case .failed(let f): return f.oracle.rawValue
            }
        }
        typealias P = InjectionOracle
        // Another user's data is a breach whatever the control did.
        #expect(kind(P.probe(status: 200, control: 500, leaks: 2, position: .text, constraint: nil)) == "CrossUserRead")
        // A control that does not succeed: nothing is judged, not even a 500.
        #expect(kind(P.probe(status: 500, control: 404, leaks: 0, position: .text, constraint: nil)) == "not judged")
        #expect(kind(P.probe(status: 404, control: nil, leaks: 0, position: .id, constraint: nil)) == "not judged")
        #expect(kind(P.probe(status: 500, control: 200, leaks: 0, position: .text, constraint: nil)) == "InjectionError")
        #expect(kind(P.probe(status: 200, control: 200, leaks: 0, position: .id, constraint: nil)) == "InjectionError")
        #expect(kind(P.probe(status: 200, control: 200, leaks: 0, position: .text, constraint: nil)) == "passed")
        // A free-text value refused as invalid never reached the query: not proof of safety.
        #expect(kind(P.probe(status: 422, control: 200, leaks: 0, position: .text, constraint: nil)) == "not judged")
        #expect(kind(P.probe(status: 422, control: 200, leaks: 0, position: .text, constraint: "maxLength 10")) == "passed")
        #expect(kind(P.probe(status: 422, control: 200, leaks: 0, position: .id, constraint: nil)) == "passed")
        #expect(kind(P.probe(status: 404, control: 200, leaks: 0, position: .text, constraint: nil)) == "passed")
    }

    @Test func theSchemaExplainsARefusalOrDoesNot() {
        #expect(InjectionOracle.constraint(broken: ["type": "integer"], by: "' OR '1'='1") == "integer")
        #expect(InjectionOracle.constraint(broken: ["type": "string"], by: "' OR '1'='1") == nil)
        #expect(InjectionOracle.constraint(broken: ["type": "string", "maxLength": 5], by: "' OR '1'='1") == "maxLength 5")
        #expect(InjectionOracle.constraint(broken: ["type": "string", "maxLength": 50], by: "' OR '1'='1") == nil)
        #expect(InjectionOracle.constraint(broken: ["type": "string", "enum": ["a", "b"]], by: "x") == "one of 2 values")
        #expect(InjectionOracle.constraint(broken: nil, by: "x") == nil)
        #expect(InjectionOracle.rowsKept(stored: ["1", "2", "9"], expected: ["1", "2"], user: "ivan") == nil)
        #expect(InjectionOracle.rowsKept(stored: ["1"], expected: ["1", "2"], user: "ivan")?.oracle == .injectionError)
    }

    @Test func anEchoIsNotALeakButALongerMarkerIs() {
        let markers = Markers(runID: "recho")
        let mine = markers.make(owner: "alice", label: "alice")
        let hers = markers.make(owner: "bob", label: "bob")
        for _ in 0..<9 { _ = markers.make(owner: "bob", label: "bob") }
        let longer = markers.make(owner: "bob", label: "bob")   // …bobn12 while …bobn2 is sent
        func exchange(sent: String, answer: String) -> Exchange {
            let request = HTTPRequest(method: "GET", url: "http://api.test/search?q=" + sent)
            let response = HTTPResponse(status: 422, headers: [], body: Array(answer.utf8), effectiveURL: request.url)
            return Exchange(request: request, response: response, transportError: nil, seconds: 0)
        }
        #expect(markers.leaked(in: exchange(sent: hers, answer: #"{"input": "\#(hers)"}"#), viewer: "alice").isEmpty)
        #expect(markers.leaked(in: exchange(sent: hers, answer: #"[{"title": "\#(longer)"}]"#), viewer: "alice").map(\.marker) == [longer])
        #expect(markers.leaked(in: exchange(sent: "x", answer: mine), viewer: "alice").isEmpty)
        #expect(hers.hasSuffix("n2") && longer.hasSuffix("n12"))
    }
}
