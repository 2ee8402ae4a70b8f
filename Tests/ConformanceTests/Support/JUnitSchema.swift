import Foundation
import TestSupport

/// The project's own schema for `reports/junit.xml` (Fixtures/junit.xsd), and xmllint run
/// against it. Found beside this source file, so a fresh clone anywhere holds all it needs.
enum JUnitSchema {
    static let path = ReferenceStack.root + "/Tests/ConformanceTests/Fixtures/junit.xsd"

    /// xmllint's exit status (0: valid, 3: fails to validate) and its combined output.
    static func validate(file: String) throws -> (status: Int32, output: String) {
        try ChildProcess.runUnchecked("/usr/bin/env", ["xmllint", "--noout", "--schema", path, file])
    }

    /// Writes `xml` to a temporary file, validates it and removes the file.
    static func validate(xml: String) throws -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "junit-\(UUID().uuidString).xml"
        try xml.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try validate(file: file)
    }
}
