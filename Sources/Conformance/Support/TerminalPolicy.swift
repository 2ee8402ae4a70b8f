/// How the console may print, decided from the environment once. The harness never prints
/// colour, so `NO_COLOR` (no-color.org) holds whatever its value; the only control sequences it
/// writes are the carriage return and erase-line of the one progress line, and only to a real
/// terminal: a CI log or a pipe would keep every rewrite as a line of noise.
public enum TerminalPolicy {
    /// Whether the progress line may be rewritten in place: standard error is a terminal, the
    /// run is not in CI (`CI` set, as every CI service sets it) and the terminal can erase a
    /// line (`TERM=dumb` cannot).
    public static func rewritesProgressLine(stderrIsTerminal: Bool, environment: [String: String]) -> Bool {
        stderrIsTerminal && environment["CI"] == nil && environment["TERM"] != "dumb"
    }
}
