import Conformance
import Foundation

/// Progress for people: one rewritten line on a terminal, plain lines in CI logs. Everything
/// printed passes through the redactor.
final class Console: Sendable {
    let verbose: Bool
    let redactor: Redactor
    let interactive: Bool
    let counts = Locked<(done: Int, bad: Int)>((0, 0))

    init(verbose: Bool, redactor: Redactor) {
        self.verbose = verbose
        self.redactor = redactor
        interactive = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    func line(_ text: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardOutput.write(Data((redactor.redact(text) + "\n").utf8))
    }

    /// Called with "LABEL criterion scenario › case" for every finished case.
    func progress(_ event: String) {
        let passed = event.hasPrefix("PASSED") || event.hasPrefix("SKIPPED")
        let (done, bad) = counts.withLock { c -> (Int, Int) in
            c.done += 1
            if !passed { c.bad += 1 }
            return c
        }
        if !passed || verbose { line(event) }
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(done) case(s) done, \(bad) not passed".utf8))
        } else if done % 50 == 0 {
            line("… \(done) case(s) done, \(bad) not passed")
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Turns SIGINT/SIGTERM into a callback, so the run can stop and still clean up.
final class SignalTrap: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    init(_ handler: @escaping @Sendable () -> Void) {
        var list: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler(handler: handler)
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
