import ArgumentParser
import Conformance
import Foundation

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report what the harness finds at the given URLs: Better Auth, JWKS, OpenAPI routes, the database (exit 2 if a piece is unreachable).")

    @OptionGroup var target: TargetOptions

    func run() async throws {
        let t: Target
        do { (t, _) = try target.load() } catch { throw failInput(error) }
        let redactor = Redactor()
        redactor.add(t.secret)
        let findings = await Doctor(target: t, redactor: redactor).examine()
        for f in findings {
            say("\(f.ok ? "ok  " : "FAIL") \(f.subject): \(redactor.redact(f.detail))")
        }
        if findings.contains(where: { !$0.ok && $0.blocking }) { throw ExitCode(2) }
    }
}
