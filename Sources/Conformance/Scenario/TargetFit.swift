/// Scenarios checked against the target they will run on: a resource the target does not
/// define, or an operation it maps no route for, is the author's mistake and stops the run before
/// anything is sent (exit 2) — never a skip that would let a criterion read "passed".
public enum TargetFit {
    public static func problems(_ scenarios: [Scenario], target: Target) -> [LoadError] {
        var out: [LoadError] = []
        let known = target.resources.keys.sorted()
        func unknown(_ name: String, _ file: String, _ pointer: JSONPointer, _ how: String) -> LoadError {
            let hint = JSONNode.closest(name, in: Set(known)).map { "; did you mean \"\($0)\"?" } ?? ""
            return LoadError(file: file, pointer: pointer,
                             message: "\(how) resource \"\(name)\", which the target does not define\(hint) (it defines: \(known.joined(separator: ", ")))")
        }
        for scenario in scenarios {
            for step in scenario.steps {
                switch step.kind {
                case .call(let c):
                    guard let resource = target.resources[c.resource] else {
                        out.append(unknown(c.resource, scenario.file, step.pointer / "call", "the step calls"))
                        continue
                    }
                    if resource.routes[c.operation] == nil, !resource.absentOperations.contains(c.operation) {
                        out.append(LoadError(file: scenario.file, pointer: step.pointer / "call",
                                             message: "the target maps no route for \(c.resource).\(c.operation.rawValue): map it in resources.\(c.resource).routes, or declare \"\(c.operation.rawValue)\": null if the app has none"))
                    }
                case .stored(let s) where target.resources[s.resource] == nil:
                    out.append(unknown(s.resource, scenario.file, step.pointer / "stored", "the step reads"))
                case .check(let c):
                    guard let p = c.parameters as? any ResourceParameters, target.resources[p.resource] == nil else { continue }
                    let given = c.given["resource"] != nil
                    out.append(unknown(p.resource, scenario.file, given ? step.pointer / "with" / "resource" : step.pointer,
                                       given ? "the check names" : "the check acts on its default"))
                default:
                    continue
                }
            }
        }
        return out
    }

    /// Throws every problem at once, so the author fixes them in one pass.
    public static func check(_ scenarios: [Scenario], target: Target) throws {
        let found = problems(scenarios, target: target)
        if !found.isEmpty { throw LoadErrors(found) }
    }
}
