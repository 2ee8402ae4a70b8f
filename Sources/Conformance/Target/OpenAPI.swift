/// Routes an API publishes in its OpenAPI document, for probing routes nobody named: their
/// path and query parameters and their JSON request body, with `$ref`s resolved, so that a probe
/// can be built that the route's own validation lets through to its handler.
public enum OpenAPI {
    public struct Route: Sendable, Hashable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var parameters: [String]      // path parameters, in order
        public var requiresAuth: Bool?       // from `security`, when the document says
        /// Path and query parameters as declared (header and cookie ones are left out: the
        /// harness sends its own headers).
        public var inputs: [Parameter] = []
        /// The `application/json` request body's schema, `$ref`s resolved; nil when none.
        public var body: JSONValue? = nil
        public var description: String { "\(method) \(path)" }

        public init(method: String, path: String, parameters: [String], requiresAuth: Bool?,
                    inputs: [Parameter] = [], body: JSONValue? = nil) {
            self.method = method
            self.path = path
            self.parameters = parameters
            self.requiresAuth = requiresAuth
            self.inputs = inputs
            self.body = body
        }

        public var query: [Parameter] { inputs.filter { $0.location == .query } }
        public func pathInput(_ name: String) -> Parameter? { inputs.first { $0.location == .path && $0.name == name } }
    }

    public struct Parameter: Sendable, Hashable {
        public enum Location: String, Sendable { case path, query }
        public var name: String
        public var location: Location
        public var required: Bool
        /// The parameter's schema, `$ref`s resolved (`{}` when the document gives none).
        public var schema: JSONValue
    }

    public static func routes(in doc: JSONValue) -> [Route] {
        guard let paths = doc["paths"]?.objectValue else { return [] }
        let globalSecurity = doc["security"]?.arrayValue.map { !$0.isEmpty }
        let resolver = Resolver(doc: doc)
        var out: [Route] = []
        for (path, item) in paths.pairs {
            guard let ops = item.objectValue else { continue }
            let shared = item["parameters"]?.arrayValue ?? []
            for (method, op) in ops.pairs where ["get", "post", "put", "patch", "delete"].contains(method) {
                let params = pathParameters(path)
                let security = op["security"]?.arrayValue.map { !$0.isEmpty } ?? globalSecurity
                let declared = (shared + (op["parameters"]?.arrayValue ?? [])).compactMap { resolver.parameter($0) }
                // An operation's own declaration wins over the path item's one of the same name.
                var inputs: [Parameter] = []
                for p in declared.reversed() where !inputs.contains(where: { $0.name == p.name && $0.location == p.location }) { inputs.insert(p, at: 0) }
                let body = op["requestBody"].flatMap { resolver.resolve($0)["content"]?["application/json"]?["schema"] }.map { resolver.resolve($0) }
                out.append(Route(method: method.uppercased(), path: path, parameters: params, requiresAuth: security,
                                 inputs: inputs, body: body))
            }
        }
        return out
    }

    static func pathParameters(_ path: String) -> [String] {
        var out: [String] = []
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// Resolves local `$ref`s (`#/components/schemas/X`), merges `allOf`, and picks the first
    /// non-null branch of `anyOf`/`oneOf` (how FastAPI writes `str | None`). Depth-bounded: a
    /// recursive model is cut off rather than followed for ever.
    struct Resolver {
        let doc: JSONValue

        func parameter(_ raw: JSONValue) -> Parameter? {
            let p = resolve(raw, depth: 0, flatten: false)
            guard let name = p["name"]?.stringValue, let location = p["in"]?.stringValue.flatMap(Parameter.Location.init(rawValue:)) else { return nil }
            let required = p["required"]?.boolValue ?? (location == .path)
            return Parameter(name: name, location: location, required: required, schema: p["schema"].map { resolve($0) } ?? .object(JSONObject()))
        }

        func resolve(_ value: JSONValue) -> JSONValue { resolve(value, depth: 0, flatten: true) }

        func resolve(_ value: JSONValue, depth: Int, flatten: Bool) -> JSONValue {
            guard depth < 12, var o = value.objectValue else { return value }
            if let ref = o["$ref"]?.stringValue {
                guard let target = lookUp(ref) else { return .object(JSONObject()) }
                // Siblings of `$ref` (a description, a default) are kept where the target has none.
                var merged = resolve(target, depth: depth + 1, flatten: flatten).objectValue ?? JSONObject()
                for (k, v) in o.pairs where k != "$ref" && merged[k] == nil { merged[k] = v }
                return .object(merged)
            }
            guard flatten else { return value }
            if let parts = o["allOf"]?.arrayValue {
                o["allOf"] = nil
                for part in parts {
                    for (k, v) in resolve(part, depth: depth + 1, flatten: true).objectValue?.pairs ?? [] where o[k] == nil { o[k] = v }
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let branches = o[key]?.arrayValue {
                    o[key] = nil
                    let resolved = branches.map { resolve($0, depth: depth + 1, flatten: true) }
                    let nullable = resolved.contains { $0["type"]?.stringValue == "null" }
                    if let first = resolved.first(where: { $0["type"]?.stringValue != "null" }) {
                        for (k, v) in first.objectValue?.pairs ?? [] where o[k] == nil { o[k] = v }
                    }
                    if nullable { o["nullable"] = .bool(true) }
                }
            }
            if let props = o["properties"]?.objectValue {
                o["properties"] = .object(JSONObject(props.pairs.map { ($0.key, resolve($0.value, depth: depth + 1, flatten: true)) }))
            }
            if let items = o["items"] { o["items"] = resolve(items, depth: depth + 1, flatten: true) }
            return .object(o)
        }

        func lookUp(_ ref: String) -> JSONValue? {
            guard ref.hasPrefix("#/") else { return nil }
            var node: JSONValue? = doc
            for part in ref.dropFirst(2).split(separator: "/") {
                let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                node = node?[key]
            }
            return node
        }
    }
}

/// A value that fits a schema, built so that the route's validation lets the request through to
/// its handler: required properties always, optional text properties too (they carry the taint
/// markers), enums by their first member, numbers inside their bounds.
public struct SchemaSample {
    /// What a free-text field or parameter of this name gets (a taint marker, a hostile string).
    public var text: (String) -> String
    /// The sender's user id, for required fields that name a user.
    public var userID: String?
    /// An object id for required fields that name one (`task_id`), when there is one to give.
    public var objectID: String?
    /// What an email-format field gets: in a run, one of the run's own test addresses, so that
    /// clean-up finds any account or row a probe creates with it.
    public var email: String?

    public init(text: @escaping (String) -> String, userID: String? = nil, objectID: String? = nil, email: String? = nil) {
        self.text = text
        self.userID = userID
        self.objectID = objectID
        self.email = email
    }

    /// A body for `schema`; nil when it is not an object schema.
    public func body(_ schema: JSONValue) -> JSONValue? {
        guard schema["type"]?.stringValue == "object" || schema["properties"] != nil else { return nil }
        return value(schema, name: "body", depth: 0)
    }

    /// Text fields a body built for `schema` fills with `text`: where a marker or a hostile
    /// string goes.
    public static func textFields(_ schema: JSONValue) -> [String] {
        (schema["properties"]?.objectValue?.pairs ?? []).compactMap { name, s in isFreeText(s) && !namesUser(name) ? name : nil }
    }

    /// A string without enum, format or pattern: anything may be typed into it.
    public static func isFreeText(_ s: JSONValue) -> Bool {
        s["type"]?.stringValue == "string" && s["enum"] == nil && s["format"] == nil && s["pattern"] == nil && s["const"] == nil
    }

    static func namesUser(_ name: String) -> Bool {
        let n = name.lowercased()
        return n.contains("user") || n.contains("owner")
    }

    static func namesObjectID(_ name: String) -> Bool {
        name == "id" || name.hasSuffix("_id") || name.hasSuffix("Id")
    }

    public func value(_ s: JSONValue, name: String, depth: Int = 0) -> JSONValue {
        if let e = s["enum"]?.arrayValue?.first { return e }
        if let c = s["const"] { return c }
        switch s["type"]?.stringValue {
        case "object"?, nil where s["properties"] != nil:
            guard depth < 6 else { return .object(JSONObject()) }
            let required = Set(s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            var o = JSONObject()
            for (field, fs) in s["properties"]?.objectValue?.pairs ?? [] {
                let isRequired = required.contains(field)
                if !isRequired {
                    // Optional: only text (it carries a marker), never one that names a user
                    // (that is massAssignment's probe, not this one).
                    guard Self.isFreeText(fs), !Self.namesUser(field) else { continue }
                }
                if isRequired, Self.namesUser(field), fs["type"]?.stringValue == "string", let userID { o[field] = .string(userID); continue }
                if isRequired, Self.namesObjectID(field), let objectID, fs["type"]?.stringValue != "boolean" {
                    o[field] = fs["type"]?.stringValue == "integer" ? (Int(objectID).map { .number(Double($0)) } ?? .string(objectID)) : .string(objectID)
                    continue
                }
                o[field] = value(fs, name: field, depth: depth + 1)
            }
            return .object(o)
        case "array"?:
            let min = s["minItems"]?.intValue ?? 0
            guard min > 0, let items = s["items"] else { return .array([]) }
            return .array((0..<min).map { _ in value(items, name: name, depth: depth + 1) })
        case "boolean"?:
            return s["default"]?.boolValue.map(JSONValue.bool) ?? .bool(true)
        case "integer"?, "number"?:
            if let d = s["default"], d.numberValue != nil { return d }
            var n = s["minimum"]?.numberValue ?? (s["exclusiveMinimum"]?.numberValue.map { $0 + 1 }) ?? 1
            if let max = s["maximum"]?.numberValue, n > max { n = max }
            return .number(n.rounded(.up))
        case "null"?:
            return .null
        case "string"?:
            switch s["format"]?.stringValue {
            case "date-time"?: return "2026-01-01T00:00:00Z"
            case "date"?: return "2026-01-01"
            case "uuid"?: return .string(objectID.flatMap { $0.count == 36 ? $0 : nil } ?? "00000000-0000-4000-8000-000000000000")
            case "email"?: return .string(email ?? "conformance@example.com")
            case "uri"?: return "https://example.com/"
            default: break
            }
            var t = text(name)
            if let max = s["maxLength"]?.intValue, t.count > max { t = String(t.prefix(max)) }
            if let min = s["minLength"]?.intValue, t.count < min { t += String(repeating: "x", count: min - t.count) }
            return .string(t)
        default:
            return .string(text(name))
        }
    }
}
