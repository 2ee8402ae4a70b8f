/// What each success criterion of the Phase II pack demands and how the harness checks it, in
/// plain words (paraphrased from the spec, DESIGN.md §4): a judge reading report.html should not
/// need the spec open beside it to know what "SC-007 failed" means.
enum HTMLCriteria {
    struct Meaning: Sendable {
        var demands: String
        var checkedBy: String
    }

    static let pack: [String: Meaning] = [
        "SC-001": Meaning(demands: "A new user can sign up, sign in and reach their own list, quickly.",
                          checkedBy: "The whole flow through Better Auth and the API, timed."),
        "SC-002": Meaning(demands: "Sign-up, sign-in, view, create, update, toggle and delete all work.",
                          checkedBy: "Each operation, with its effect read back from the database."),
        "SC-003": Meaning(demands: "Every API request needs a valid JWT: missing or invalid tokens get 401, and nothing but sign-up and sign-in is open.",
                          checkedBy: "Credential attacks on every route, including routes found in the OpenAPI document."),
        "SC-004": Meaning(demands: "Every todo response is scoped to its user: nobody sees or changes another user's todos.",
                          checkedBy: "A cross-user matrix, taint markers in every answer and a model of the expected database state."),
        "SC-005": Meaning(demands: "Errors carry a message and the right status (400, 401, 403, 404, 500).",
                          checkedBy: "Invalid bodies, unknown ids and other users' ids."),
        "SC-006": Meaning(demands: "The front end works on screens 320, 768 and 1024+ px wide.",
                          checkedBy: "A real headless browser at each width; skipped with the reason when none is configured."),
        "SC-007": Meaning(demands: "Stored data is accurate and immediately visible through the API.",
                          checkedBy: "The API's answer compared with the database row, field by field, after every write."),
        "SC-008": Meaning(demands: "p95 latency stays under the budget (200 ms by default) for every endpoint under normal load.",
                          checkedBy: "A latency histogram per operation during a load phase with several users at once."),
        "SC-009": Meaning(demands: "Tokens expire after the stated lifetime, and expired tokens are refused.",
                          checkedBy: "exp − iat of issued JWTs, and a probe with a validly signed but expired token."),
        "SC-010": Meaning(demands: "Queries are parameterised: no SQL injection.",
                          checkedBy: "Injection probes in every field and id; the database must be unchanged and nothing may answer 500."),
        "SC-011": Meaning(demands: "Better Auth does all sign-up and sign-in; no custom JWT or bcrypt code remains.",
                          checkedBy: "Better Auth's endpoints and tables in use, scrypt hashes, JWTs verified against the JWKS, forged HS256 tokens refused, no home-made auth routes."),
        "SC-012": Meaning(demands: "All user data lives in Neon, in Better Auth's schema; no local or Docker database.",
                          checkedBy: "The database is Neon, Better Auth's tables are present, rows written through the API appear there, owner columns reference Better Auth's user."),
    ]

    /// What each verdict means for a criterion, for the legend under the verdict table.
    static let verdicts: [(String, String)] = [
        ("passed", "every case met its expectation"),
        ("failed", "the app violated the criterion: the oracle that fired and its evidence are below"),
        ("error", "the harness could not carry a case out (unreachable service, bad scenario), so the criterion is not judged"),
        ("skipped", "not checked, for the reason given"),
    ]

    /// What the process exit status tells CI, as DESIGN.md §7 defines it.
    static func exitMeaning(_ status: Int32) -> String {
        switch status {
        case 0: return "every criterion passed"
        case 1: return "at least one criterion failed"
        default: return "the run, or part of it, could not be carried out as asked"
        }
    }
}
