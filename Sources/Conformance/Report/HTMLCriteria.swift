/// Words the page uses about the run as a whole (criterion texts come from the pack's pack.json).
enum HTMLCriteria {
    /// What the process exit status tells CI, as DESIGN.md §7 defines it.
    static func exitMeaning(_ status: Int32) -> String {
        switch status {
        case 0: return "every criterion passed"
        case 1: return "at least one criterion failed"
        default: return "the run, or part of it, could not be carried out as asked"
        }
    }
}
