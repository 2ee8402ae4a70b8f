import Conformance
import Foundation

/// Progress for people: one rewritten line on a terminal, plain lines in CI logs and pipes (see
/// TerminalPolicy; no colour, ever, so NO_COLOR always holds). Everything printed passes
/// through the redactor.
final class Console: Sendable {
    let verbose: Bool
    let redactor: Redactor
    let interactive: Bool
    let counts = Locked<(done: Int, bad: Int)>((0, 0))

    init(verbose: Bool, redactor: Redactor) {
        self.verbose = verbose
        self.redactor = redactor
        interactive = TerminalPolicy.rewritesProgressLine(stderrIsTerminal: isatty(STDERR_FILENO) == 1,
                                                          environment: ProcessInfo.processInfo.environment)
    }

    /// One whole line, written at once (an unbuffered write): a CI log shows it as it happens.
    func line(_ text: String) {
        if interactive { writeErr("\r\u{1B}[K") }
        writeOut(redactor.redact(text) + "\n")
    }

    /// The runner's events, shown: every case that did not pass, every case with `-v`, and a tally.
    func show(_ event: RunEvent) {
        guard case .caseFinished(let scenarioID, let c) = event else { return }
        let fine = c.outcome.kind == .passed || c.outcome.kind == .skipped
        let (done, bad) = counts.withLock { c -> (Int, Int) in
            c.done += 1
            if !fine { c.bad += 1 }
            return c
        }
        if !fine || verbose {
            var text = "\(c.outcome.kind.rawValue.uppercased()) \(c.criterion) \(scenarioID) › \(c.name)"
            if case .failed(let findings) = c.outcome { text += " [" + findings.map(\.oracle.rawValue).joined(separator: ", ") + "]" }
            line(text)
        }
        if interactive {
            writeErr("\r\u{1B}[K\(done) case(s) done, \(bad) not passed")
        } else if done % 50 == 0 {
            line("… \(done) case(s) done, \(bad) not passed")
        }
    }

    func finish() {
        if interactive { writeErr("\r\u{1B}[K") }
    }
}

/// Turns SIGINT/SIGTERM into a callback, so the run can stop and still clean up, and remembers
/// which signal came: the process then exits 130 or 143, as shells expect of an interrupted tool.
final class SignalTrap: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let received = Locked<Int32?>(nil)

    /// 128 + the signal number, when one came.
    var exitStatus: Int32? { received.current.map { 128 + $0 } }

    init(_ handler: @escaping @Sendable () -> Void) {
        var list: [DispatchSourceSignal] = []
        let received = self.received
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler {
                received.withLock { if $0 == nil { $0 = sig } }
                handler()
            }
            s.resume()
            list.append(s)
        }
        sources = list
    }

    func release() {
        for s in sources { s.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
