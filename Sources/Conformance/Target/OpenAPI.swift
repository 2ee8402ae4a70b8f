/// Routes an API publishes in its OpenAPI document, for probing routes nobody named.
public enum OpenAPI {
    public struct Route: Sendable, Hashable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var parameters: [String]      // path parameters, in order
        public var requiresAuth: Bool?       // from `security`, when the document says
        public var description: String { "\(method) \(path)" }
    }

    public static func routes(in doc: JSONValue) -> [Route] {
        guard let paths = doc["paths"]?.objectValue else { return [] }
        let globalSecurity = doc["security"]?.arrayValue.map { !$0.isEmpty }
        var out: [Route] = []
        for (path, item) in paths.pairs {
            guard let ops = item.objectValue else { continue }
            for (method, op) in ops.pairs where ["get", "post", "put", "patch", "delete"].contains(method) {
                let params = pathParameters(path)
                let security = op["security"]?.arrayValue.map { !$0.isEmpty } ?? globalSecurity
                out.append(Route(method: method.uppercased(), path: path, parameters: params, requiresAuth: security))
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
}
