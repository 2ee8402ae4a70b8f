import Foundation
import Testing
import TestSupport

/// examples/ (GitHub Actions, GitLab CI, Kubernetes) judged by each engine's own validator and
/// every `conformance ...` line in them parsed by the binary (scripts/check-examples). The
/// validators come from PyPI into .build/validators-venv the first time; if they cannot be
/// installed the test fails and says so: an example nobody checked is not a passing one.
@Suite(.serialized) struct ExamplesTests {
    static func checkExamples(_ arguments: [String] = []) async throws -> (status: Int32, output: String) {
        var env = ProcessInfo.processInfo.environment
        env["CONFORMANCE_BIN"] = Harness.binary()
        return try await ReferenceStack.run(["scripts/check-examples"] + arguments, environment: env)
    }

    @Test func examplesPassTheirValidatorsAndTheCLI() async throws {
        let (status, out) = try await Self.checkExamples()
        #expect(status != 3, "the validators could not be installed, so nothing was checked:\n\(out)")
        #expect(status == 0, "\(out)")
        for check in ["ok: actionlint", "ok: inputs and outputs of the third-party actions", "ok: check-jsonschema (GitLab CI schema)",
                      "ok: kubernetes-validate", "ok: conformance command lines"] {
            #expect(out.contains(check), "\(check) did not run:\n\(out)")
        }
        // Every example shows a conformance command, and each was checked.
        for file in ["github-actions/pr-check.yml", "github-actions/judge.yml", "gitlab-ci.yml", "kubernetes/shards-job.yaml", "kubernetes/merge-job.yaml"] {
            #expect(out.contains("ok \(file): conformance "), "no command checked in \(file):\n\(out)")
        }
        #expect(out.contains("run --dry-run exit 0"), "no command was parsed by a dry run:\n\(out)")
    }

    /// The same checks on a copy of examples/ with one mistake planted for each validator: each
    /// must be reported, or a green result above would mean nothing.
    @Test func aMistakeInAnyExampleIsReported() async throws {
        let copy = NSTemporaryDirectory() + "examples-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try FileManager.default.copyItem(atPath: ReferenceStack.root + "/examples", toPath: copy)
        func plant(_ file: String, _ from: String, _ to: String) throws {
            let path = copy + "/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try #require(text.contains(from), "\(file) no longer holds \(from)")
            try text.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
        }
        try plant("github-actions/pr-check.yml", "if-no-files-found: warn", "if-no-file-found: warn")
        try plant("github-actions/judge.yml", "pattern: judge-shard-*", "patern: judge-shard-*")
        try plant("github-actions/pr-check.yml", "branch_name: conformance/pr-", "branch_nam: conformance/pr-")
        try plant("gitlab-ci.yml", "parallel: 4", "paralel: 4")
        try plant("kubernetes/shards-job.yaml", "completionMode: Indexed", "completionMod: Indexed")
        try plant("github-actions/pr-check.yml", "--neon-branch \"$NEON_BRANCH_ID\"", "--neon-brunch \"$NEON_BRANCH_ID\"")
        let (status, out) = try await Self.checkExamples(["--examples", copy])
        #expect(status != 3, "the validators could not be installed:\n\(out)")
        #expect(status == 1, "\(out)")
        for evidence in ["if-no-file-found", "patern", "branch_nam", "paralel", "completionMod", "no option --neon-brunch"] {
            #expect(out.contains(evidence), "the planted \(evidence) was not reported:\n\(out)")
        }
    }
}
