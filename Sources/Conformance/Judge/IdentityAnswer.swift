/// What a working sign-up, sign-in or token call answers, by the identity the target describes:
/// Better Auth answers 200 with `$.user.id`; an app's own register/login answers any 2xx (201 is
/// common) with the id or token where the target says. Auth steps are judged against this unless
/// the scenario states its own expectation, so a pack runs unchanged against either.
struct IdentityAnswer {
    let status: StatusMatcher
    /// Where the answer names the user, and whether it must be the step's user.
    let idPath: JSONPath?
    let idMustMatch: Bool
    let tokenPath: JSONPath?

    init(identity: Target.Identity, step: Step.Kind) {
        switch identity {
        case .betterAuth, .none:
            status = StatusMatcher(exact: [200])
            switch step {
            case .signUp: (idPath, idMustMatch, tokenPath) = (Self.path("$.user.id"), false, nil)
            case .signIn: (idPath, idMustMatch, tokenPath) = (Self.path("$.user.id"), true, nil)
            default: (idPath, idMustMatch, tokenPath) = (nil, false, nil)
            }
        case .custom(let c):
            status = StatusMatcher(classes: [2])
            switch step {
            case .signUp: (idPath, idMustMatch, tokenPath) = (c.userIdPath, false, nil)
            default: (idPath, idMustMatch, tokenPath) = (nil, false, c.tokenPath)
            }
        }
    }

    static func path(_ text: String) -> JSONPath? { try? JSONPath(text) }

    /// The JSON expectations for `user`'s step.
    func json(user: String) -> [(path: JSONPath, predicates: [Predicate])] {
        var out: [(path: JSONPath, predicates: [Predicate])] = []
        if let idPath {
            if idMustMatch, let t = try? Template("${\(user).id}") { out.append((idPath, [.equals(.string(t))])) }
            else { out.append((idPath, [.exists(true)])) }
        }
        if let tokenPath { out.append((tokenPath, [.exists(true)])) }
        return out
    }
}
