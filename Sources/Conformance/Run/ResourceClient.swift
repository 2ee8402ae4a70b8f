import ConformanceHTTP

/// Turns logical operations (`tasks.create`) into the target's requests, and the app's answers
/// back into logical objects: the object or list unwrapped, field names mapped to logical ones.
public struct ResourceClient: Sendable {
    public let session: any APISession
    public let target: Target

    public typealias Credentials = Credential

    public struct Call: Sendable {
        public var resource: Resource
        public var operation: Operation
        public var credentials: Credentials
        /// The user id placed in `{userId}`; normally the caller's own.
        public var pathUserID: String?
        public var id: String?
        public var body: JSONValue?          // logical field names
        public var rawBody: String?
        public var query: [(String, String)] = []

        public init(resource: Resource, operation: Operation, credentials: Credentials, pathUserID: String?,
                    id: String? = nil, body: JSONValue? = nil, rawBody: String? = nil) {
            self.resource = resource
            self.operation = operation
            self.credentials = credentials
            self.pathUserID = pathUserID
            self.id = id
            self.body = body
            self.rawBody = rawBody
        }
    }

    public init(session: any APISession, target: Target) {
        self.session = session
        self.target = target
    }

    public func request(for call: Call) -> HTTPRequest? {
        guard let route = call.resource.routes[call.operation] else { return nil }
        var url = Target.join(target.apiURL, route.render(userId: call.pathUserID, id: call.id))
        if !call.query.isEmpty {
            url += "?" + call.query.map { "\(URLPath.escape($0.0))=\(URLPath.escape($0.1))" }.joined(separator: "&")
        }
        var headers: [HTTPHeader] = [HTTPHeader("Accept", "application/json")]
        headers = call.credentials.adding(to: headers)
        var body: [UInt8]?
        if let raw = call.rawBody {
            body = Array(raw.utf8)
        } else if let logical = call.body {
            body = HTTPSession.jsonBody(toAPI(logical, call.resource))
        }
        if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
        var req = HTTPRequest(method: route.method, url: url, headers: headers, body: body)
        req.timeout = target.requestTimeout
        return req
    }

    public func send(_ call: Call) async -> Exchange? {
        guard let req = request(for: call) else { return nil }
        return await session.send(req)
    }

    // MARK: shape mapping

    public func toAPI(_ logical: JSONValue, _ r: Resource) -> JSONValue {
        guard case .object(let o) = logical else { return logical }
        return .object(JSONObject(o.pairs.map { (r.apiField($0.key), $0.value) }))
    }

    public func toLogical(_ api: JSONValue, _ r: Resource) -> JSONValue {
        guard case .object(let o) = api else { return api }
        return .object(JSONObject(o.pairs.map { (r.logicalField(forAPI: $0.key), $0.value) }))
    }

    /// The single object an answer carries, in logical names.
    public func object(in body: JSONValue?, _ r: Resource) -> JSONValue? {
        guard let body else { return nil }
        if let p = r.objectPath { return p.first(in: body).map { toLogical($0, r) } }
        if case .object(let o) = body {
            if o[r.apiField("id")] != nil { return toLogical(body, r) }
            // A wrapper such as {"task": {...}}: the one object inside it.
            let inner = o.pairs.filter { $0.value.objectValue != nil }
            if inner.count == 1 { return toLogical(inner[0].value, r) }
        }
        return nil
    }

    /// The list an answer carries, in logical names.
    public func list(in body: JSONValue?, _ r: Resource) -> [JSONValue]? {
        guard let body else { return nil }
        if let p = r.listPath { return p.first(in: body)?.arrayValue?.map { toLogical($0, r) } }
        if case .array(let a) = body { return a.map { toLogical($0, r) } }
        if case .object(let o) = body {
            // {"todos": [...], "total": 3}: the one array inside it.
            let arrays = o.pairs.filter { $0.value.arrayValue != nil }
            if arrays.count == 1, let a = arrays[0].value.arrayValue { return a.map { toLogical($0, r) } }
        }
        return nil
    }

    /// What expectations of a logical call see: the unwrapped object or list, else the raw body.
    public func observed(_ ex: Exchange, _ op: Operation, _ r: Resource) -> JSONValue? {
        let raw = ex.json
        if op == .list, let l = list(in: raw, r) { return .array(l) }
        if op != .list, let o = object(in: raw, r) { return o }
        return raw
    }

    /// An id as it goes into a path.
    public static func idText(_ v: JSONValue) -> String { v.plainText }
}
