import ArgumentParser
import Conformance
import Foundation

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that a run can work: the URLs, one user made and removed, mapped routes and tables (exit 2 if a run cannot work).")

    @OptionGroup var target: TargetOptions

    func run() async throws {
        let t: Target
        do { (t, _) = try target.load() } catch { throw failInput(error) }
        let redactor = Redactor()
        redactor.add(t.secret)
        let findings = await Doctor(target: t, redactor: redactor).examine()
        for f in findings {
            let label: String
            switch f.level {
            case .ok: label = "ok  "
            case .remark: label = "warn"
            case .blocking: label = "FAIL"
            }
            say("\(label) \(f.subject): \(redactor.redact(f.detail))")
        }
        if findings.contains(where: { !$0.ok && $0.blocking }) { throw ExitCode(2) }
    }
}
