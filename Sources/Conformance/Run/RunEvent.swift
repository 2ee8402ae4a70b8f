/// What a run reports while it works, as values: the command line decides how to show them
/// (one rewritten line on a terminal, plain lines in CI logs), the runner never formats progress.
public enum RunEvent: Sendable {
    case scenarioStarted(id: String, criterion: String)
    case caseFinished(scenarioID: String, CaseResult)
    case scenarioFinished(SuiteResult)
}
