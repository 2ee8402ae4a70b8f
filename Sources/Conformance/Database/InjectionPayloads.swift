/// The hostile strings the injection check sends. They are SQL fragments, so they live with the
/// rest of the SQL text; the check decides where each one goes.
enum InjectionPayloads {
    static let all: [String] = [
        "' OR '1'='1",
        "'; DROP TABLE tasks; --",
        "\" OR \"\"=\"",
        "1; SELECT pg_sleep(0)",
        "' UNION SELECT id, email FROM \"user\" --",
        "\\'; --",
        "%' OR 1=1 --",
        "Ünïcödé ✓ 日本語 🙂",
        "$1 $$quoted$$ E'\\x41'",
        String(repeating: "A", count: 150),
    ]

    /// The ones that break the syntax without a tautology: safe in a DELETE's id even against a
    /// vulnerable app.
    static let harmlessForDelete: Set<String> = ["\\'; --", "1; SELECT pg_sleep(0)"]
}
