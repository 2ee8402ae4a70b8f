/// The registry of implemented built-in checks, by the name scenarios use.
enum BuiltInChecks {
    static let all: [String: any BuiltInCheck] = [
        "isolation": IsolationMatrix(),
        "apiMatchesDatabase": APIMatchesDatabase(),
    ]
}
